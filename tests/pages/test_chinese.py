"""中文 everywhere (issue #16 item 6): every page declared in app.py, opened in Chinese as an admin over a lake
with data, shows no English word that is not data.

What counts as shown: every string an element hands the browser as a label, text, option, help or
placeholder (walked generically over the element protos, so a new widget kind is covered), every table
header (after the column_config labels), the values of categorical table columns (type, status, channel, …),
and a chart's titles, axis titles, legend names, category ticks, annotations and hover templates.
An ASCII word of three or more letters is English unless it is data: a value held in the lake, the config or
the user list (order ids, SKUs, warehouse and shop names, file paths) — vocabulary keys (channel codes,
statuses, exception types) are never data, they must be shown by their Chinese name — or a word the Chinese
catalogue itself uses (SQL, CSV, SKU, OrderHub …).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from models import auth
from models.channels import CHANNELS
from models.i18n import CATALOGUE
from models.lifecycle import EVENTS, STATUSES
from models.schema import RETURN_REASONS
from models.settings import Settings
from tests.browser.conftest import browser_data
from tests.pages.helpers import APP, signed_in

ROOT = Path(__file__).resolve().parents[2]
DATES = (date(2026, 3, 2), date(2026, 3, 2))
PAGES = re.findall(r'st\.Page\("(pages/\w+\.py)"', (ROOT / "app.py").read_text(encoding="utf-8"))
SHOWN_FIELDS = {"label", "body", "options", "help", "placeholder", "caption", "delta", "text", "title"}
CATEGORICAL = {"type", "status", "channel", "severity", "stage", "role", "kind", "action", "outcome", "state",
               "from_event", "to_event", "source", "event", "reason", "reason_code", "waiting_for", "bucket"}
WORD = re.compile(r"[A-Za-z][A-Za-z_']{2,}")
NOT_TEXT = [re.compile(p) for p in (
    r":material/[a-z_0-9]+:",                 # icon ligatures
    r":(red|green|orange|gray|grey|blue|violet|rainbow|primary)\[",  # Streamlit colour directives
    r"https?://\S+", r"(?:[\w.\\-]*[/\\])+[\w.\\-]+",  # URLs and file paths (data)
    r"(?<=[\u3000-\u9fff（(]) ?\(([a-z_]+)\)",   # the canonical name beside its Chinese label: 待发货 (to_ship)
    r"\$\$ID-\S+",
    r"\b\w+(?:\.\w+)+\b",                     # dotted names: user names (test.admin), hosts, files
)]


def _vocabulary() -> set[str]:
    """Keys that must never be shown raw: they all have a Chinese name."""
    return (set(CHANNELS) | set(STATUSES) | set(EVENTS) | set(RETURN_REASONS)
            | {k.split(".", 1)[1] for k in CATALOGUE if k.startswith(("exc.", "severity.", "role."))})


def _data_words(settings: Settings) -> set[str]:
    """Every word of every string value in the lake, the user names and the config files, less the vocabulary."""
    words: set[str] = set()
    con = duckdb.connect()
    for folder in sorted(p for p in settings.lake_dir.iterdir() if p.is_dir()):
        rel = con.execute(f"select * from read_parquet('{folder}/**/*.parquet', union_by_name=true)").df()
        for col in rel.columns:
            if _texty(rel[col]):
                words |= {w for v in rel[col].dropna().astype(str).unique() for w in WORD.findall(v)}
    for name in auth.users(settings):
        words |= set(WORD.findall(name))
    for path in (ROOT / "data" / "config").glob("*.toml"):
        words |= set(WORD.findall(path.read_text(encoding="utf-8")))
    return words - _vocabulary()


def _texty(series: pd.Series) -> bool:
    return series.dtype == object or pd.api.types.is_string_dtype(series)


def _catalogue_words() -> set[str]:
    return {w for _, zh in CATALOGUE.values() for w in WORD.findall(zh)}


@pytest.fixture(scope="module")
def lake_with_data(tmp_path_factory):
    data_dir = browser_data(tmp_path_factory.mktemp("zh"))
    return Settings(data_dir=data_dir)


def _strings(msg: Message, out: list[tuple[str, str]], where: str) -> None:
    for fd, value in msg.ListFields():
        values = value if fd.is_repeated else [value]
        for v in values:
            if isinstance(v, Message):
                _strings(v, out, where)
            elif isinstance(v, str) and fd.name in SHOWN_FIELDS:
                out.append((f"{where}.{fd.name}", v))


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _table(node, out: list[tuple[str, str]]) -> None:
    config = json.loads(node.proto.columns or "{}")
    df = node.value
    for col in df.columns:
        out.append(("table header", str((config.get(str(col)) or {}).get("label") or col)))
        if str(col) in CATEGORICAL and _texty(df[col]):
            out += [(f"table cell {col}", str(v)) for v in df[col].dropna().unique()[:50]]


def _chart(node, out: list[tuple[str, str]]) -> None:
    fig = json.loads(node.proto.spec)
    layout = fig.get("layout", {})
    texts = [layout.get("title", {}).get("text")]
    texts += [axis.get("title", {}).get("text") for k, axis in layout.items() if k.startswith(("xaxis", "yaxis"))]
    texts += [a.get("text") for a in layout.get("annotations", [])]
    for trace in fig.get("data", []):
        texts += [trace.get("name"), trace.get("hovertemplate"), *(trace.get("node", {}).get("label") or [])]
        texts += [trace.get("link", {}).get("hovertemplate")]
        for axis in ("x", "y"):
            values = trace.get(axis)
            if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
                texts += [v for v in values if not re.match(r"\d{4}-\d\d-\d\d", v)]
    out += [("chart", t) for t in texts if isinstance(t, str)]


def shown_texts(at) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if node.type in ("arrow_data_frame", "dataframe") and proto is not None:
            _table(node, out)
        elif node.type == "plotly_chart":
            _chart(node, out)
        elif node.type == "html":  # the e-mail preview: its text, not its markup
            body = re.sub(r"(?s)<(style|head)\b.*?</\1>|<[^>]+>|&\w+;", " ", node.proto.body)
            out.append(("html text", body))
        elif isinstance(proto, Message):
            _strings(proto, out, node.type)
    return out


def english(text: str, allowed: set[str]) -> list[str]:
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)  # what a reader sees of escaped Markdown: \( → (
    text = re.sub(r"%\{[^}]*\}|<extra>.*?</extra>|<br>", " ", text)  # plotly hover placeholders
    for pattern in NOT_TEXT:
        text = pattern.sub(" ", text)
    return [w for w in WORD.findall(text) if w not in allowed]


def test_every_page_reads_in_chinese(lake_with_data, monkeypatch):
    """A fresh session opens each page straight away (one run a page)."""
    monkeypatch.setenv("ORDERHUB_DATA", str(lake_with_data.data_dir))
    allowed = _data_words(lake_with_data) | _catalogue_words()
    found: set[str] = set()
    for page in PAGES:
        at = AppTest.from_file(str(APP), default_timeout=240)  # a loaded CI machine
        for key, value in {**signed_in("admin"), "dates": DATES, "lang": "zh", "order_id": "OH-A",
                           "lookup_text": "OH-A"}.items():
            at.session_state[key] = value
        at.switch_page(page).run()
        assert not at.exception, f"{page}: {at.exception}"
        found |= {f"{page} {where}: {text[:120]!r} → {words}" for where, text in shown_texts(at)
                  if (words := english(text, allowed))}
    assert len(PAGES) >= 17
    assert not found, "\n".join(sorted(found))


def test_the_detector_finds_english_and_lets_data_through():
    allowed = {"Hefei", "SKU"}
    assert english("仓库 Hefei 的 SKU", allowed) == []
    assert english("Orders per day", allowed) == ["Orders", "per", "day"]
    assert english("待发货 (to_ship)", allowed) == [] and english("shopee", allowed) == ["shopee"]
    assert english(":material/check: 目标 %{y:.1%}<extra></extra>", allowed) == []
