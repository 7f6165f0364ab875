"""The Channels page over a lake with one good channel and one paused by drift; Resume un-pauses it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ingest.config import load_channels
from ingest.pipeline import run_channel
from models import channel_state
from models.db import connect
from models.settings import ConfigError
from tests.ingest.conftest import T0, Sleeps, channel, client_for
from tests.pages.helpers import open_app


def _pauses(at) -> list:
    """The page's pause warnings (a deep link also shows the duty banner, a warning of its own)."""
    return [w for w in at.warning if w.icon == ":material/pause_circle:"]


def test_channels_page_shows_health_and_resumes(sandbox, settings, monkeypatch) -> None:
    monkeypatch.setenv("ORDERHUB_DATA", str(settings.data_dir))
    sandbox.faults.add("tiktok", "drift")
    for platform in ("shopify", "tiktok"):
        cfg = channel(sandbox, platform)
        run_channel(cfg, settings, now=lambda: T0, client=client_for(cfg, Sleeps()))
    viewer = open_app(dates=None, page="pages/channels.py", role="viewer")
    assert not viewer.exception and len(_pauses(viewer)) == 1  # sees the pause…
    assert not [b for b in viewer.button if b.key == "resume-tiktok/7000001"]  # …but cannot resume it
    at = open_app(dates=None, page="pages/channels.py", role="ops")
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table["shop_id"]) == {"orderhub-demo", "7000001"}
    # the good shop's last pull was at T0, long before now: over an hour behind reads "stale", never "ok"
    assert datetime.now(UTC) - T0 > timedelta(hours=1)
    state = dict(zip(table["shop_id"], table["state"], strict=True))
    assert state == {"7000001": "paused", "orderhub-demo": "stale (over 1 h behind)"}
    [pause] = _pauses(at)
    assert "TikTok" in pause.value
    at.button(key="resume-tiktok/7000001").click().run()
    assert channel_state.paused(settings) == {}
    assert [s.value for s in at.success] == ["Resumed; the next scheduled pull will run it."]
    db = connect(settings)
    row = db.con.execute("select user, role, action, target_id from actions where action = 'resume_channel'").fetchall()
    assert row == [("test.ops", "ops", "resume_channel", "tiktok/7000001")]


def test_resume_of_a_feed_someone_else_resumed_says_it_was_no_longer_paused(handmade_lake) -> None:
    from datetime import UTC, datetime

    from models.auth import User

    channel_state.pause(handmade_lake, "shopee", "s1", "drift", "RUN-1", datetime(2026, 3, 8, tzinfo=UTC))
    at = open_app(dates=None, page="pages/channels.py", role="ops")
    assert [b.key for b in at.button if b.key.startswith("resume-")] == ["resume-shopee/s1"]
    assert channel_state.resume(handmade_lake, User("other", "admin"), "shopee", "s1")  # meanwhile, elsewhere
    at.button(key="resume-shopee/s1").click().run()
    assert not at.exception, at.exception
    assert not at.success
    assert at.info[0].value == ("Shopee / s1 was no longer paused (someone resumed it already): nothing changed. "
                                "Reload the page to see its state.")
    db = connect(handmade_lake)
    assert db.con.execute("select count(*) from actions where action = 'resume_channel'").fetchone()[0] == 1


def test_channels_page_shows_token_expiry_and_never_a_token(settings, monkeypatch) -> None:
    from models import tokens

    monkeypatch.setenv("ORDERHUB_DATA", str(settings.data_dir))
    tokens.save_grant(settings.data_dir, "shopee", "220001", {
        "access_token": "AT-SECRET-1", "refresh_token": "RT-SECRET-1", "obtained_by": "refresh",
        "access_expires_at": "2026-03-01T16:00:00+00:00", "refresh_expires_at": "2026-03-31T12:00:00+00:00",
        "obtained_at": "2026-03-01T12:00:00+00:00"})
    at = open_app(dates=None, page="pages/channels.py", role="ops")
    assert not at.exception
    table = next(d.value for d in at.dataframe if "access_expires_at" in d.value.columns)
    assert str(table.loc[0, "access_expires_at"]) == "2026-03-01 16:00:00+00:00" and table.loc[0, "shop_id"] == "220001"
    shown = table.to_csv() + "".join(str(m.value) for m in at.markdown) + "".join(str(c.value) for c in at.caption)
    assert "SECRET" not in shown


def test_a_typo_in_channels_toml_is_shown_not_a_traceback(settings, monkeypatch) -> None:
    monkeypatch.setenv("ORDERHUB_DATA", str(settings.data_dir))
    settings.config_dir.mkdir(parents=True, exist_ok=True)
    (settings.config_dir / "channels.toml").write_text(
        '[[channel]]\nchannel = "shoppe"\nshop_id = "a"\nbase_url = "http://x"\n', encoding="utf-8")
    with pytest.raises(ConfigError):  # what `ingest serve` meets, and records for the page
        load_channels(settings)
    at = open_app(dates=None, page="pages/channels.py", role="ops")
    assert not at.exception
    shown = [e.value.replace("\\", "") for e in at.error]  # data shown as text: Markdown escaped
    assert any("'shoppe'" in e and "did you mean 'shopee'" in e for e in shown)
    (settings.config_dir / "channels.toml").write_text(
        '[[channel]]\nchannel = "shopee"\nshop_id = "a"\nbase_url = "http://x"\n', encoding="utf-8")
    load_channels(settings)  # fixed: the page no longer shows it
    assert not open_app(dates=None, page="pages/channels.py", role="ops").error
