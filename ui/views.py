"""The sidebar's saved views and e-mail subscriptions for the page being shown (issue #16 item 8).

A view is the page plus the URL's query (dates, channels, warehouses: ui.filters keeps them in the URL), saved
per user (models.saved_views); opening one applies its filters through the same pending-scope hand-over a
chart click uses, and its link opens it in any browser. A subscription mails the page's headline figures
(reports.subscriptions, sent by `ingest serve`).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs

import streamlit as st

from models import saved_views as sv
from models.auth import User
from ui import data, lang, t
from ui.filters import current_scope, scope_url
from ui.text import plain


def views_box(user: User | None, page: object) -> None:
    """Draw the panel in the sidebar for `page` (the st.navigation page being run)."""
    path = getattr(page, "_page", None)
    if user is None or path is None or not hasattr(path, "name"):
        return
    page_path, settings = f"pages/{path.name}", data.settings()
    query = scope_url(current_scope())[1:]
    with st.sidebar.expander(t("views.title"), icon=":material/bookmarks:"):
        _saved(settings, user, page_path, query)
        _subscribe(settings, user, page_path, query)


def _saved(settings, user: User, page_path: str, query: str) -> None:
    """The save form first, so a view saved in this run is already in the list below it."""
    new = st.text_input(t("views.name"), key="views_name", max_chars=sv.NAME_MAX)
    if st.button(t("views.save"), key="views_save", icon=":material/bookmark_add:", disabled=not new.strip()):
        sv.save_view(settings, user.name, new, page_path, query)
        st.session_state["views_pick"] = new.strip()  # the list below is drawn after this: it shows the new one
        st.toast(t("views.saved", name=new.strip()))
    mine = sv.views(settings, user.name)
    if not mine:
        st.caption(t("views.none"))
        return
    name = st.selectbox(t("views.pick"), sorted(mine), key="views_pick")
    view = mine[name]
    cols = st.columns(2)
    if cols[0].button(t("views.open"), key="views_open", icon=":material/open_in_new:"):
        _open(view)
    if cols[1].button(t("views.delete"), key="views_delete", type="tertiary"):
        sv.delete_view(settings, user.name, name)
        st.rerun()
    st.caption(t("views.link"))
    st.code(sv.view_url(settings.console_url, view["page"], view["query"]), language=None, wrap_lines=True)


def _open(view: dict[str, str]) -> None:
    """Apply a saved view's filters before the sidebar draws them (ui.filters) and go to its page."""
    params = parse_qs(view["query"])
    start = date.fromisoformat(params.get("from", [date.today().isoformat()])[0])
    end = date.fromisoformat(params.get("to", [start.isoformat()])[0])
    st.session_state["scope_drill"] = {"dates": (start, end), "channels": params.get("channel", []),
                                       "warehouses": params.get("warehouse", [])}
    st.switch_page(view["page"])


def _subscribe(settings, user: User, page_path: str, query: str) -> None:
    st.divider()
    st.caption(t("views.subscribe"))
    email = st.text_input(t("views.email"), key="views_email")
    frequency = st.selectbox(t("views.frequency"), sv.FREQUENCIES, key="views_frequency",
                             format_func=lambda f: t(f"views.freq.{f}"))
    if st.button(t("views.subscribe_button"), key="views_subscribe", icon=":material/mail:", disabled="@" not in email):
        channels_only = "&".join(p for p in query.split("&") if p.startswith(("channel=", "warehouse=")))
        try:
            sv.subscribe(settings, user.name, email.strip(), page_path, channels_only, frequency, lang())
        except sv.ViewError as exc:
            st.error(str(exc))
        else:
            st.toast(t("views.subscribed", page=t(f"page.{page_path[6:-3]}"), frequency=t(f"views.freq.{frequency}")))
    mine = sv.subscriptions(settings, user.name)
    if mine:
        st.caption(t("views.my_subscriptions"))
    for sub in mine:
        cols = st.columns([3, 2])
        cols[0].caption(plain(f"{t(f'page.{sub.page[6:-3]}')} · {t(f'views.freq.{sub.frequency}')} · {sub.email}"))
        if cols[1].button(t("views.unsubscribe"), key=f"views_unsub_{sub.id}", type="tertiary"):
            sv.unsubscribe(settings, user.name, sub.id)
            st.rerun()
