"""Plotly figures of the Analyze pages (pure plotly, no Streamlit), in the layout of the `charts` package."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.base import DAY_MS, LAYOUT, as_text, is_ratio, value_axis
from models.channels import channel_color, channel_name
from models.display import value_name
from models.i18n import exception_label, label
from models.lifecycle import EVENTS


@as_text
def heatmap(df: pd.DataFrame, x: str, y: str, z: str, title: str, percent: bool = False, lang: str = "en",
            dims: tuple[str, str] | None = None) -> go.Figure:
    """A y × x grid of z (e.g. stage × warehouse median hours, reason × week units). Categories read by their
    names (`dims`: what the x and y columns hold, when their names do not say: ('channel', 'stage'))."""
    grid = df.pivot_table(index=y, columns=x, values=z, aggfunc="sum")
    xdim, ydim = dims or (x, y)
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=[str(value_name(xdim, str(c), lang)) for c in grid.columns],
        y=[value_name(ydim, str(r), lang) for r in grid.index], colorscale="Blues",
        texttemplate="%{z:.0%}" if percent else "%{z:.3~g}",
        hovertemplate="%{y} · %{x}: " + ("%{z:.1%}" if percent else "%{z:.3~g}") + "<extra></extra>",
        meta={"x": [str(c) for c in grid.columns], "y": [str(r) for r in grid.index]}))
    fig.update_layout(title=title, **{**LAYOUT, "height": max(340, 28 * len(grid.index) + 120)})
    return fig


@as_text
def process_map(edges: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Sankey of the forward moves between lifecycle steps (width = orders; hover: median hours)."""
    rank = {e: i for i, e in enumerate(EVENTS)}
    fwd = edges[[rank.get(a, 99) < rank.get(b, 99) for a, b in zip(edges["from_event"], edges["to_event"],
                                                                    strict=True)]]
    nodes = sorted(set(fwd["from_event"]) | set(fwd["to_event"]), key=lambda e: rank.get(e, 99))
    index = {n: i for i, n in enumerate(nodes)}
    fig = go.Figure(go.Sankey(
        node={"label": [value_name("event", n, lang) for n in nodes], "pad": 14, "customdata": nodes},
        link={"source": [index[a] for a in fwd["from_event"]], "target": [index[b] for b in fwd["to_event"]],
              "value": fwd["orders"].tolist(), "customdata": fwd["median_h"].round(2).tolist(),
              "hovertemplate": "%{source.label} → %{target.label}: %{value} · "
                               + label("chart.hover_median_h", lang, h="%{customdata}") + "<extra></extra>"},
        meta={"nodes": nodes},
    ))
    fig.update_layout(title=label("flow.process_map", lang), **{**LAYOUT, "height": 420})
    return fig


@as_text
def pareto(df: pd.DataFrame, lang: str = "en", top: int = 10) -> go.Figure:
    """Bars of the top causes with the cumulative share line on a second axis."""
    part = df.head(top)
    names = [exception_label(x, lang) for x in part["type"]]
    fig = go.Figure()
    keys = {"x": part["type"].tolist()}
    fig.add_bar(x=names, y=part["raised"], name=label("chart.raised", lang), marker_color="#1F77B4", meta=keys)
    fig.add_scatter(x=names, y=part["cumulative_share"], name=label("exceptions.cumulative", lang), yaxis="y2",
                    mode="lines+markers", line={"color": "#D62728"}, meta=keys,
                    hovertemplate="%{x}: %{y:.1%}<extra></extra>")
    fig.update_layout(title=label("exceptions.pareto", lang), yaxis2={"overlaying": "y", "side": "right",
                      "tickformat": ".0%", "range": [0, 1.05]}, **LAYOUT)
    return fig


@as_text
def bars(df: pd.DataFrame, x: str, y: str, title: str, color: str | None = None, lang: str = "en",
         target: float | None = None, dims: tuple[str, str | None] | None = None, scale: float = 1) -> go.Figure:
    """Bars of y by x, one trace per channel (channel colours) or per `color` value, with an optional target.
    Categories read by their names (`dims`: what x and color hold when their column names do not say); a
    rate is drawn and hovered in percent; `scale` divides y (minor units → currency units). Each trace keeps
    its keys in `meta` for a click to drill (ui.analytics.chart)."""
    xdim, cdim = dims or (x, color)
    fig = go.Figure()
    groups = df.groupby(color, sort=True) if color else [(None, df)]
    for key, part in groups:
        name = channel_name(key, lang) if cdim == "channel" else value_name(cdim or "", key, lang)
        fig.add_bar(x=[value_name(xdim, v, lang) for v in part[x]], y=part[y] / scale,
                    name=None if key is None else str(name), meta={"x": part[x].astype(str).tolist(), "series": key},
                    marker_color=channel_color(key) if cdim == "channel" else None)
    if target is not None:
        shown = f"{target:.0%}" if is_ratio(y) else f"{target:g}"
        fig.add_hline(y=target, line_color="#D62728", line_dash="dash",
                      annotation_text=f"{label('chart.target', lang)} {shown}")
    fig.update_layout(title=title, barmode="group", **LAYOUT)
    value_axis(fig, y)
    if xdim in ("day", "week"):  # whole days or weeks on the axis, never sub-day ticks around a single bar
        fig.update_xaxes(type="date", tickformat="%Y-%m-%d", dtick=DAY_MS * (7 if xdim == "week" else 1))
    return fig


@as_text
def intake(df: pd.DataFrame, ratio: float, lang: str = "en") -> go.Figure:
    """Hourly intake bars (alerts red) against the trailing baseline and the alert threshold."""
    fig = go.Figure()
    fig.add_bar(x=df["hour"], y=df["orders"], name=label("chart.orders", lang),
                marker_color=["#D62728" if a else "#9DB4CF" for a in df["is_alert"]])
    fig.add_scatter(x=df["hour"], y=df["baseline"], name=label("capacity.baseline", lang), mode="lines")
    fig.add_scatter(x=df["hour"], y=df["baseline"] * ratio, name=label("capacity.threshold", lang, ratio=ratio),
                    mode="lines", line={"dash": "dot", "color": "#D62728"})
    fig.update_layout(title=label("capacity.intake", lang), **LAYOUT)
    return fig
