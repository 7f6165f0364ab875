"""The KPI figures the console (Overview, Flow) and the weekly e-mail both draw: one colour per channel.

Pure plotly (no Streamlit), so reports render the same figures as static PNGs. Every builder that draws
names from the data is wrapped in `as_text`, so a channel or exception name is drawn as the characters it holds.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.base import DAY_MS, LAYOUT, as_text
from models.channels import channel_color, channel_name
from models.display import value_name
from models.i18n import exception_label, label


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
        fig.add_bar(x=part["day"], y=part["orders"], name=channel_name(channel, lang), meta={"series": channel},
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
    keys = {"y": part["type"].tolist()}  # a click drills by the type's key (ui.analytics.chart)
    fig.add_bar(y=names, x=part["raised"] - part["open"], orientation="h", name=label("chart.raised", lang),
                marker_color="#9DB4CF", meta=keys)
    fig.add_bar(y=names, x=part["open"], orientation="h", name=label("chart.open", lang), marker_color="#D62728",
                meta=keys)
    fig.update_layout(barmode="stack", title=label("overview.top_exceptions", lang), **LAYOUT)
    return fig


@as_text
def stage_durations(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Median and p90 hours of each consecutive lifecycle step."""
    fig = go.Figure()
    stages = [value_name("stage", s, lang) for s in df["stage"]]
    fig.add_bar(x=stages, y=df["median_h"], name=label("chart.median", lang), marker_color="#1F77B4")
    fig.add_bar(x=stages, y=df["p90_h"], name=label("chart.p90", lang), marker_color="#AEC7E8")
    fig.update_layout(barmode="group", title=label("overview.stages", lang), xaxis_title=label("chart.stage", lang),
                      yaxis_title=label("chart.hours", lang), **LAYOUT)
    return fig


def capacity(df: pd.DataFrame, ratio: float, lang: str = "en") -> go.Figure:
    """Orders per hour against the capacity line (ratio × the same hour's 4-week mean); spikes in red.
    Not wrapped in `as_text`: it draws numbers and hours only, its names come from the label catalogue."""
    over = df["is_alert"]
    fig = go.Figure()
    fig.add_bar(x=df["hour"], y=df["orders"], name=label("chart.orders", lang),
                marker_color=["#D62728" if o else "#9DB4CF" for o in over])
    fig.add_scatter(x=df["hour"], y=ratio * df["baseline"], mode="lines", line={"color": "#333", "dash": "dot"},
                    line_shape="hv", name=label("report.capacity_line", lang, ratio=f"{ratio:g}"))
    fig.update_layout(title=label("report.chart_capacity", lang), xaxis_title=label("report.col_hour", lang),
                      yaxis_title=label("chart.orders", lang), **LAYOUT)
    return fig
