"""Data shown as text on every page that shows order fields (issue #11 item 8): a hostile order's fields
reach no Markdown element unescaped, and a very long value is cut."""

from __future__ import annotations

import pandas as pd
import pytest

from models.auth import mask_frame
from models.rules.apply import route_batch
from tests import triage_fixture as tf
from tests.hostile import HOSTILE, LONG, make_hostile
from tests.pages.helpers import open_app, shown
from ui.text import plain, receiver_line

MARKDOWN = ("caption", "markdown", "warning", "error", "success", "info", "subheader", "title", "header")
PAGES = ["order", "queue", "overview", "exceptions", "explore", "flow", "capacity", "manual", "data_quality",
         "returns", "audit"]


@pytest.fixture
def hostile(triage_lake):
    route_batch(triage_lake.lake_dir, tf.OPEN_ORDERS, now=tf.NOW)
    make_hostile(triage_lake.lake_dir, "OH-T1")
    return triage_lake


def _markdown_texts(at) -> list[str]:
    """Every text the page hands Streamlit as Markdown: alerts, captions, headings, metric labels and values."""
    texts = [e.value for kind in MARKDOWN for e in getattr(at, kind)]
    return texts + [m.label for m in at.metric] + [m.value for m in at.metric]


@pytest.mark.parametrize("page", PAGES)
def test_no_hostile_value_reaches_markdown_unescaped(hostile, page):
    at = open_app(role="ops", page=f"pages/{page}.py", order_id="OH-T1")
    assert not at.exception, at.exception
    texts = _markdown_texts(at)
    for value in HOSTILE.values():
        raw = value[:200]
        assert not [t for t in texts if raw in t], f"{page}: {raw!r} reached Markdown as is"
    assert max(map(len, texts)) < 5_000, f"{page}: a value was not cut"


def test_order_detail_shows_the_hostile_values_literally_and_cuts_the_long_one(hostile):
    at = open_app(role="ops", page="pages/order.py", order_id="OH-T1")
    caption = next(c.value for c in at.caption if "onerror" in c.value)
    seen = shown(caption)
    for field in ("receiver_name", "receiver_phone", "receiver_province", "receiver_city"):
        assert HOSTILE[field] in seen  # what a reader sees is the text itself
    assert LONG[:199] + "…" in seen and LONG[:201] not in seen
    metrics = {m.label: shown(m.value) for m in at.metric}
    assert metrics["Warehouse"] == HOSTILE["warehouse"]
    assert metrics["Carrier"] == HOSTILE["carrier"]


def test_plain_leaves_no_markdown_and_cuts():
    assert plain("![x](http://h/x.png)") == "\\!\\[x\\]\\(http\u2060\\:\\/\\/h\\/x\\.png\\)"
    assert plain("www.h.cn a@b.co") == "www\u2060\\.h\\.cn a\\@\u2060b\\.co"  # GFM would link them
    assert plain(":red[boom] $x$ <b>") == r"\:red\[boom\] \$x\$ \<b\>"
    assert plain("a\nb") == "a b" and plain(None) == "" and plain(float("nan")) == ""
    assert plain("x" * 300) == "x" * 199 + "…" and len(plain("y" * 300, limit=None)) == 300


def test_receiver_line_leaves_out_missing_parts_and_escapes_the_rest():
    order = pd.DataFrame([{"receiver_name": "张三", "receiver_phone": None, "receiver_province": "浙江",
                           "receiver_city": float("nan"), "receiver_address": "[x](http://h)"}])
    assert receiver_line(order.iloc[0]) == "张三 · 浙江 · \\[x\\]\\(http\u2060\\:\\/\\/h\\)"
    assert receiver_line(mask_frame(order, "viewer").iloc[0]) == r"张\* · 浙江 · \[x\]\(ht\*\*\*\*"
    empty = {f"receiver_{part}": None for part in ("name", "phone", "province", "city", "address")}
    assert receiver_line(pd.Series(empty)) == "–"
