"""Plotly figures shared by the console and the weekly e-mail: one colour per channel everywhere.

Pure plotly (no Streamlit), so reports render the same figures as static PNGs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from models.channels import channel_color, channel_name
from models.i18n import exception_label, label

LAYOUT = {"margin": {"l": 10, "r": 10, "t": 60, "b": 10}, "height": 360, "template": "plotly_white",
          "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1}}


DAY_MS = 86_400_000
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_TRACE_TEXT = ("x", "y", "text", "name", "hovertext", "labels")


def _entity(value: object) -> object:
    """A string with plotly's pseudo-HTML (<a href>, <b>, <br>) neutralised: shown as the characters."""
    return "".join(_ENTITIES.get(c, c) for c in value) if isinstance(value, str) else value


def _texts(values: object) -> object:
    if isinstance(values, str):
        return _entity(values)
    if hasattr(values, "tolist"):  # numpy arrays and pandas series
        values = values.tolist()
    if isinstance(values, list | tuple) and any(isinstance(v, str) for v in values):
        return [_entity(v) for v in values]
    return values


def as_text(build: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """Decorate a figure builder so data in its traces (categories, names, labels) is shown as text: plotly
    renders <a href=…> in labels as a link, so a warehouse named '<a href=http://host>' would be one."""
    @functools.wraps(build)
    def built(*args: object, **kwargs: object) -> go.Figure:
        fig = build(*args, **kwargs)
        for trace in fig.data:
            for prop in (p for p in _TRACE_TEXT if p in trace):
                trace[prop] = _texts(trace[prop])
            if "node" in trace:
                trace.node.label = _texts(trace.node.label)
        return fig
    return built


def _days_axis(fig: go.Figure, days: pd.Series) -> None:
    """Whole days on the x axis: one tick a day for short ranges, never sub-day ticks."""
    fig.update_xaxes(type="date", tickformat="%m-%d")
    if days.nunique() <= 14:
        fig.update_xaxes(dtick=DAY_MS)


@as_text
def daily_orders(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Stacked bars of orders per day, one colour per channel."""
    fig = go.Figure()
    for channel, part in df.groupby("channel", sort=True):
        fig.add_bar(x=part["day"], y=part["orders"], name=channel_name(channel, lang),
                    marker_color=channel_color(channel), width=0.8 * DAY_MS)
    fig.update_layout(barmode="stack", title=label("overview.daily_orders", lang),
                      xaxis_title=label("chart.day", lang), yaxis_title=label("chart.orders", lang), **LAYOUT)
    _days_axis(fig, df["day"])
    return fig


@as_text
def lead_time(df: pd.DataFrame, target_hours: float, lang: str = "en") -> go.Figure:
    """Median and p90 paid→shipped hours per day against the target line."""
    fig = go.Figure()
    fig.add_scatter(x=df["day"], y=df["median_h"], mode="lines+markers", name=label("chart.median", lang))
    fig.add_scatter(x=df["day"], y=df["p90_h"], mode="lines+markers", name=label("chart.p90", lang),
                    line={"dash": "dot"})
    fig.add_hline(y=target_hours, line_color="#D62728", line_dash="dash",
                  annotation_text=f"{label('chart.target', lang)} {target_hours:g} h")
    fig.update_layout(title=label("overview.lead_trend", lang), xaxis_title=label("chart.day", lang),
                      yaxis_title=label("chart.hours", lang), **LAYOUT)
    fig.update_yaxes(rangemode="tozero")
    _days_axis(fig, df["day"])
    return fig


@as_text
def exception_types(df: pd.DataFrame, lang: str = "en", top: int = 10) -> go.Figure:
    """Horizontal bars of exceptions raised by type, open ones highlighted."""
    part = df.head(top).iloc[::-1]
    names = [exception_label(x, lang) for x in part["type"]]
    fig = go.Figure()
    fig.add_bar(y=names, x=part["raised"] - part["open"], orientation="h", name=label("chart.raised", lang),
                marker_color="#9DB4CF")
    fig.add_bar(y=names, x=part["open"], orientation="h", name=label("chart.open", lang), marker_color="#D62728")
    fig.update_layout(barmode="stack", title=label("overview.top_exceptions", lang), **LAYOUT)
    return fig


@as_text
def stage_durations(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Median and p90 hours of each consecutive lifecycle step."""
    fig = go.Figure()
    fig.add_bar(x=df["stage"], y=df["median_h"], name=label("chart.median", lang), marker_color="#1F77B4")
    fig.add_bar(x=df["stage"], y=df["p90_h"], name=label("chart.p90", lang), marker_color="#AEC7E8")
    fig.update_layout(barmode="group", title=label("overview.stages", lang), xaxis_title=label("chart.stage", lang),
                      yaxis_title=label("chart.hours", lang), **LAYOUT)
    return fig
