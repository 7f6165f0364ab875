"""The console's server: Streamlit's app (app.py) plus the routes of the remembered-sign-in cookie.

    streamlit run console.py      # `make run`; `streamlit run app.py` still works, without remembered sign-ins
"""

from __future__ import annotations

import streamlit as st

from ui.session_routes import ROUTES

app = st.App("app.py", routes=ROUTES)
