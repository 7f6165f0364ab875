"""A page that fails shows one line with an error id; the traceback goes to the server log, redacted.

    run_page(navigation)   # app.py, instead of navigation.run()

Users see no server paths or internals (and `client.showErrorDetails = "none"` in .streamlit/config.toml
covers what fails outside a page, such as a widget callback). The id ties the user's report to the log line.
"""

from __future__ import annotations

import logging
import sys
import uuid
from typing import Any

import streamlit as st

from models.redact import RedactingFilter
from ui import t

log = logging.getLogger("orderhub.console")


def _handler() -> None:
    """Log to stderr through the redaction filter, once per process (Streamlit configures no root handler)."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(RedactingFilter())
        log.addHandler(handler)
        log.propagate = False


def run_page(navigation: Any) -> None:
    """Run the selected page; an exception becomes a logged traceback and a one-line message."""
    try:
        navigation.run()
    except Exception:  # Streamlit's stop and rerun are BaseExceptions: they pass through untouched
        error_id = uuid.uuid4().hex[:8]
        _handler()
        log.exception("page %s failed, error id %s", getattr(navigation, "url_path", "?"), error_id)
        st.error(t("error.page", error_id=error_id))
