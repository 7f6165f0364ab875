"""The Admin snapshot page: preview of the hand-made week, 'send now' for admins only, the alert list."""

from __future__ import annotations

import pytest

from reports import alerts
from tests.handmade import add_rush_hour, local
from tests.pages.helpers import open_app, shown

PAGE = "pages/snapshot.py"


def test_admin_previews_and_sends_to_the_outbox(handmade_lake, monkeypatch):
    monkeypatch.delenv("ORDERHUB_SMTP_HOST", raising=False)
    add_rush_hour(handmade_lake.lake_dir)  # Mon 09:00 over capacity (see tests/handmade.py)
    alerts.check_and_deliver(handmade_lake, now=local(2, 9, 30))  # one capacity alert on record
    at = open_app(page=PAGE)
    assert not at.exception, at.exception
    assert at.selectbox(key="snapshot_week").value.isoformat() == "2026-03-02"  # W10, the week with data
    assert not at.get("html")  # the preview is drawn on request
    at.toggle(key="snapshot_show_preview").set_value(True).run()
    page = at.get("html")[0].proto.body
    assert "Weekly snapshot 2026-W10" in page and page.count("data:image/png;base64,") == 4
    assert any("No SMTP server configured" in i.value for i in at.info)
    assert "capacity:2026-03-02T09" not in str(at.dataframe[0].value)  # the list shows titles, not keys
    assert at.dataframe[0].value["title"].tolist() == ["Capacity spike"]
    at.button(key="snapshot_send").click().run()
    assert not at.exception, at.exception
    assert "Snapshot 2026-W10: outbox: written" in shown(at.success[0].value)
    assert (handmade_lake.data_dir / "outbox" / "weekly-2026-W10.eml").exists()


def test_a_viewer_cannot_open_it(handmade_lake):
    at = open_app(role="viewer", snapshot_lang="zh")  # recipients' addresses are for admins only
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)
