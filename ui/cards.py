"""KPI cards: value, change on the previous period, and a green/red mark against the target."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import streamlit as st

from models.formatting import format_change, format_value
from models.kpis import Kpi
from models.lifecycle import STATUS_LABELS, status_label
from ui import lang, t
from ui.text import plain

PER_ROW = 4
T = TypeVar("T")


def target_badge(kpi: Kpi, value: Any, currency: str) -> str:
    """':green[target ≤ 8.0 h]' when met, ':red[...]' when missed, '' when there is no target."""
    if kpi.target is None:
        return ""
    text = t("kpi.target_min" if kpi.higher_is_better else "kpi.target_max",
             target=format_value(kpi.target, kpi.unit, lang(), currency))
    met = kpi.meets(value)
    colour = "gray" if met is None else ("green" if met else "red")
    icon = "" if met is None else (":material/check_circle: " if met else ":material/error: ")
    return f":{colour}[{icon}{text}]"


def kpi_card(kpi: Kpi, now: dict[str, Any], before: dict[str, Any], currency: str) -> None:
    value = now.get(kpi.key)
    st.metric(
        t(f"kpi.{kpi.key}"),
        format_value(value, kpi.unit, lang(), currency, compact=True),
        delta=format_change(kpi.unit, value, before.get(kpi.key)),
        delta_color="normal" if kpi.higher_is_better or kpi.unit == "count" else "inverse",
        help=t("kpi.vs_last"),
        border=True,
    )
    badge = target_badge(kpi, value, currency)
    if badge:
        st.markdown(badge)


def rows(items: Sequence[T], per_row: int = PER_ROW) -> list[Sequence[T]]:
    """Items in rows of `per_row`, the last one shorter: every card gets a place, however many there are."""
    return [items[i:i + per_row] for i in range(0, len(items), per_row)]


def kpi_grid(kpis: Sequence[Kpi], now: dict[str, Any], before: dict[str, Any], currency: str) -> None:
    """All the cards, PER_ROW to a row (a fixed grid of 8 silently dropped a ninth)."""
    for row in rows(kpis):
        for column, kpi in zip(st.columns(PER_ROW), row, strict=False):
            with column:
                kpi_card(kpi, now, before, currency)


def status_card(col: Any, label: str, status: str) -> None:
    """An order's status as a card: the reader's word alone (a narrow card cuts '待发货 (to_ship)' short),
    the canonical name in its help."""
    en, zh = STATUS_LABELS.get(status, (status, status))
    col.metric(label, plain(en if lang() == "en" else zh),
               help=plain(status if lang() == "en" else status_label(status, "zh")))
