"""Plotly figure builders shared by the console (through `ui`) and the e-mail (`reports`); no Streamlit here.

`base`: the shared layout and the `as_text` safety every builder is wrapped in; `kpis`: the KPI figures.
"""
