"""The console's KPI figures: the builders live in the Streamlit-free `charts` package, which the e-mail's
static PNGs also draw, so pages reach them here (pages import ui and models only)."""

from __future__ import annotations

from charts.kpis import daily_orders, exception_types, lead_time, stage_durations

__all__ = ["daily_orders", "exception_types", "lead_time", "stage_durations"]
