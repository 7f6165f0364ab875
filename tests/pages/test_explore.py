"""AppTest of Explore: drill-down query parameters, group-bys, the SQL box and its masked export."""

from __future__ import annotations

from tests.pages.analytics_helpers import frame_with
from tests.pages.helpers import open_app

PAGE = "pages/explore.py"


def test_explore_group_by_channel(analytics_lake):
    at = open_app(page=PAGE, ex_by1="channel", ex_measure="orders")
    assert not at.exception, at.exception
    table = frame_with(at, "g1")
    assert dict(zip(table["g1"], table["orders"], strict=True)) == {"Shopee": 3, "Tmall": 2}  # channels by name


def test_drill_button_opens_explore_with_filters(analytics_lake):
    at = open_app(page="pages/exceptions.py")
    at.button(key="drill_exceptions1").click().run()  # the Pareto's top cause: out_of_stock, by channel
    assert not at.exception, at.exception
    assert at.selectbox(key="ex_by1").value == "channel"
    assert frame_with(at, "has_action")["order_id"].tolist() == ["OH-P4", "OH-P2"]  # newest first


def test_sql_box_masks_pii_for_viewers_and_refuses_copy(analytics_lake):
    sql = "select order_id, receiver_phone as ph from orders where channel = 'shopee' order by order_id"
    at = open_app(page=PAGE, role="viewer", ex_sql=sql)
    assert not at.exception, at.exception
    result = frame_with(at, "ph")  # an alias no longer escapes the mask: the view itself is masked
    assert result["order_id"].tolist() == ["OH-P1", "OH-P4", "OH-P5"]
    assert "13800000001" not in result["ph"].tolist()
    at.text_area(key="ex_sql").set_value("copy (select 1) to '/tmp/x.csv'").run()
    assert any("Only one plain SELECT" in e.value for e in at.error)


def test_sql_box_bomb_shows_one_line_error(analytics_lake):
    at = open_app(page=PAGE, role="viewer", ex_sql="select repeat('x', 100000000) from range(30)")
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("SQL box: ") and "\n" not in errors[0]
    assert "memory" in errors[0] and "Traceback" not in errors[0]


def test_sql_box_hides_raw_and_audit_from_viewers(analytics_lake):
    at = open_app(page=PAGE, role="viewer", ex_sql="select * from actions")
    assert any("'actions' is not a view you can query here" in e.value for e in at.error)



def test_orders_behind_the_figures_download_goes_through_the_safe_export(analytics_lake, monkeypatch):
    """The table's own toolbar export is off (config); the page's button serves the shown rows, escaped."""
    import csv
    import io
    import tomllib

    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    from tests.pages.helpers import APP

    config = tomllib.loads((APP.parent / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True
    served: list[bytes] = []
    keep = MemoryMediaFileStorage.load_and_get_id

    def spy(self, data, mimetype, kind, filename=None):  # records what the browser would download
        served.append(bytes(data))
        return keep(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    at = open_app(page=PAGE, role="viewer", ex_by1="channel", ex_measure="orders")
    assert not at.exception, at.exception
    assert [b.proto.label for b in at.get("download_button")].count("Download CSV") == 1
    assert served[-1].startswith(b"\xef\xbb\xbf")  # models.exports' CSV (BOM, formula-safe), not pandas'
    rows = list(csv.DictReader(io.StringIO(served[-1].decode("utf-8-sig"))))
    assert [row["order_id"] for row in rows] == frame_with(at, "order_id")["order_id"].tolist()
