"""The Channels page over a lake with one good channel and one paused by drift; Resume un-pauses it."""

from __future__ import annotations

from ingest.pipeline import run_channel
from ingest.state import Paused
from models.db import connect
from tests.ingest.conftest import T0, Sleeps, channel, client_for
from tests.pages.helpers import open_app


def test_channels_page_shows_health_and_resumes(sandbox, settings, monkeypatch) -> None:
    monkeypatch.setenv("ORDERHUB_DATA", str(settings.data_dir))
    sandbox.faults.add("tiktok", "drift")
    for platform in ("shopify", "tiktok"):
        cfg = channel(sandbox, platform)
        run_channel(cfg, settings, now=lambda: T0, client=client_for(cfg, Sleeps()))
    viewer = open_app(dates=None, page="pages/channels.py", role="viewer")
    assert not viewer.exception and len(viewer.warning) == 1  # sees the pause…
    assert not [b for b in viewer.button if b.key == "resume-tiktok/7000001"]  # …but cannot resume it
    at = open_app(dates=None, page="pages/channels.py", role="ops")
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table["shop_id"]) == {"orderhub-demo", "7000001"}
    assert "paused" in set(table["state"]) and "ok" in set(table["state"])
    assert len(at.warning) == 1 and "TikTok" in at.warning[0].value
    at.button(key="resume-tiktok/7000001").click().run()
    assert Paused(settings.data_dir).all() == {}
    db = connect(settings)
    row = db.con.execute("select user, role, action, target_id from actions where action = 'resume_channel'").fetchall()
    assert row == [("test.ops", "ops", "resume_channel", "tiktok/7000001")]


def test_a_typo_in_channels_toml_is_shown_not_a_traceback(settings, monkeypatch) -> None:
    monkeypatch.setenv("ORDERHUB_DATA", str(settings.data_dir))
    settings.config_dir.mkdir(parents=True, exist_ok=True)
    (settings.config_dir / "channels.toml").write_text(
        '[[channel]]\nchannel = "shoppe"\nshop_id = "a"\nbase_url = "http://x"\n', encoding="utf-8")
    at = open_app(dates=None, page="pages/channels.py", role="ops")
    assert not at.exception
    shown = [e.value.replace("\\", "") for e in at.error]  # data shown as text: Markdown escaped
    assert any("'shoppe'" in e and "did you mean 'shopee'" in e for e in shown)
