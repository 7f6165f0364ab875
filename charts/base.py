"""The layout every figure shares, and `as_text`: data in a figure is shown as text, never as markup.

Pure plotly (no Streamlit), like the rest of the `charts` package.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import plotly.graph_objects as go

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


RATIO_SUFFIXES = ("rate", "share", "share_change", "completeness")


def is_ratio(column: str) -> bool:
    """A column of fractions (0.03 = 3 %): drawn and hovered as percentages, like the cards beside it."""
    return column.endswith(RATIO_SUFFIXES)


def value_axis(fig: go.Figure, column: str, axis: str = "y") -> None:
    """Tick format and hover of the value axis by what the column holds: percent, hours or a count."""
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    if is_ratio(column):
        update(tickformat=".0%")
        fig.update_traces(hovertemplate=f"%{{x}}: %{{{axis}:.1%}}<extra>%{{fullData.name}}</extra>"
                          if axis == "y" else f"%{{y}}: %{{{axis}:.1%}}<extra>%{{fullData.name}}</extra>")
    elif column.endswith(("_h", "_hours")):
        update(ticksuffix=" h")
        fig.update_traces(hovertemplate=f"%{{x}}: %{{{axis}:.1f}} h<extra>%{{fullData.name}}</extra>")


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
