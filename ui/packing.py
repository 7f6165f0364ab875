"""The packing station's parts: the scan box a barcode scanner types into, the verdict, recent scans with
undo, and the pick lists (HTML always, PDF when Chromium is there)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from models import packing, picklist
from models.auth import User
from models.formatting import format_ts
from models.i18n import exception_label
from models.lifecycle import status_label
from models.settings import Settings
from reports import picklist as printable
from ui import data, lang, t, tables
from ui.text import plain

MODE, SCAN, LAST, PDF = "pack_mode", "pack_scan", "pack_last", "pick_pdf"
VERDICT = {"ok": "success", "already_done": "warning"}  # every other outcome stops the parcel: red


def step_name(step: str) -> str:
    return t(f"pack.step_{step}")


def on_scan(settings: Settings, user: User) -> None:
    """The scan form's submit (the scanner's Enter): confirm and remember the verdict; the form clears the box."""
    ref = st.session_state.get(SCAN, "")
    if ref.strip():
        st.session_state[LAST] = packing.scan(settings, user, ref, st.session_state[MODE])


def scan_box(settings: Settings, user: User) -> None:
    """The mode, chosen once, and the box each scan + Enter lands in."""
    # The chosen step lives in MODE; the radio is keyed per language (a switch relabels it, which makes Streamlit
    # draw a new widget that would otherwise show no choice) and copies its value there.
    step = st.session_state.setdefault(MODE, "packed")
    key = f"{MODE}_{lang()}"
    st.radio(t("pack.mode"), packing.STEPS, index=packing.STEPS.index(step), key=key, horizontal=True,
             format_func=step_name, on_change=lambda: st.session_state.update({MODE: st.session_state[key]}))
    with st.form("pack_scan_form", clear_on_submit=True, border=False):
        st.text_input(t("pack.scan"), key=SCAN, help=t("pack.scan_help"))
        st.form_submit_button(t("pack.confirm"), on_click=on_scan, args=(settings, user))


def verdict_text(r: packing.ScanResult) -> str:
    """The message for one scan, in the user's language, with scanned and stored values as text."""
    values = {"ref": plain(r.ref, 60), "order_id": plain(r.order_id), "step": step_name(r.step)}
    if r.outcome == "ambiguous":
        return t("pack.ambiguous", n=r.detail, **values)
    if r.outcome == "on_hold":
        holds = ", ".join(exception_label(kind, lang()) for kind in r.detail.split(", "))
        return t("pack.on_hold", holds=plain(holds), **values)
    if r.outcome in ("cancelled", "already_done"):
        return t(f"pack.{r.outcome}", stage=plain(status_label(r.detail, lang())), **values)
    return t(f"pack.{r.outcome}", **values)


def show_verdict() -> None:
    """The last scan's verdict in colour, then the order's lines to check against."""
    r: packing.ScanResult | None = st.session_state.get(LAST)
    if r is None:
        return
    getattr(st, VERDICT.get(r.outcome, "error"))(verdict_text(r))
    if not r.lines.empty:
        st.subheader(t("pack.lines", order_id=plain(r.order_id)))
        tables.table(_lines(r.lines), hide_index=True, key="pack_lines")


def _lines(lines: pd.DataFrame) -> pd.DataFrame:
    kind = lines["is_gift"].map(lambda g: t("pack.gift_yes") if g else t("pack.gift_no"))
    return pd.DataFrame({t("pack.col_line"): lines["line_no"], t("pack.col_sku"): lines["sku"],
                         t("pack.col_title"): lines["title"], t("pack.col_qty"): lines["qty"],
                         t("pack.col_kind"): kind})


def recent(settings: Settings, user: User) -> None:
    """The latest scans, and (for a role that may) the form that undoes one."""
    st.subheader(t("pack.recent"))
    scans = packing.recent_scans(data.db(), user)
    if scans.empty:
        st.caption(t("pack.no_scans"))
        return
    tz = settings.timezone
    tables.table(pd.DataFrame({
        t("pack.col_event"): scans["event_id"], t("pack.col_order"): scans["order_id"],
        t("pack.col_step"): scans["event"].map(step_name), t("pack.col_actor"): scans["actor"],
        t("pack.col_at"): scans["occurred_at"].map(lambda ts: format_ts(ts, tz, lang())),
        t("pack.col_undone"): scans["undone"].map(lambda u: "✓" if u else "")}), hide_index=True, key="pack_recent")
    _undo_form(settings, user, scans[~scans["undone"]])


def _undo_form(settings: Settings, user: User, open_scans: pd.DataFrame) -> None:
    labels = {r.event_id: f"{r.order_id} · {step_name(r.event)} · {r.actor}" for r in open_scans.itertuples()}
    with st.expander(t("pack.undo")), st.form("pack_undo", clear_on_submit=True):
        st.selectbox(t("pack.undo_pick"), list(labels), key="pack_undo_event", format_func=labels.get)
        st.text_input(t("pack.undo_reason"), key="pack_undo_reason")
        st.form_submit_button(t("pack.undo_submit"), on_click=_undo, args=(settings, user))


def _undo(settings: Settings, user: User) -> None:
    event_id, reason = st.session_state.get("pack_undo_event"), st.session_state.get("pack_undo_reason", "")
    try:
        packing.undo(settings, user, event_id or "", reason or "")
    except (packing.ScanError, PermissionError) as exc:
        st.session_state["pack_flash"] = ("error", plain(exc, limit=None))
    else:
        st.session_state["pack_flash"] = ("success", t("pack.undo_done", event_id=plain(event_id)))


def show_flash() -> None:
    kind, text = st.session_state.pop("pack_flash", (None, None))
    if kind:
        getattr(st, kind)(text)


def pick_lists(settings: Settings, user: User) -> None:
    """Choose the warehouse and the wave's cut, see the list, download it as HTML or PDF (each one audited)."""
    houses = picklist.warehouses(data.db(), user)
    if not houses:
        st.info(t("pick.none_waiting"))
        return
    warehouse = st.selectbox(t("pick.warehouse"), houses, key="pick_warehouse")
    pl = picklist.pick_list(data.db(), user, warehouse, _cut(settings))
    page = printable.html(pl, lang(), datetime.now(ZoneInfo(settings.timezone)))
    st.caption(t("pick.by_sku"))
    for part, title, rows in (("purchased", t("pick.purchased"), pl.purchased), ("gifts", t("pick.gifts"), pl.gifts)):
        st.subheader(title)
        if rows.empty:
            st.caption(t("pick.none"))
        else:
            tables.table(rows.rename(columns=lambda c: t(f"pick.col_{c}")), key=f"pick_{part}", hide_index=True)
    st.download_button(t("pick.download_html"), page, f"picklist-{pl.wave}.html", "text/html",
                       on_click=picklist.record_print, args=(settings, user, pl, "html"), key="pick_html")
    _pdf(settings, user, pl, page)


def _cut(settings: Settings) -> datetime | None:
    """The wave's payment cut-off from the date and time chosen (local time), or None for every order."""
    if not st.checkbox(t("pick.cut"), key="pick_cut"):
        return None
    day: date = st.date_input(t("pick.cut_date"), key="pick_cut_date")
    at: time = st.time_input(t("pick.cut_time"), time(16, 0), key="pick_cut_time")
    return datetime.combine(day, at, ZoneInfo(settings.timezone))


def _pdf(settings: Settings, user: User, pl: picklist.PickList, page: str) -> None:
    """The PDF is printed on demand (Chromium takes seconds; scans must not wait for it)."""
    if printable.chromium() is None:
        st.info(t("pick.no_pdf", reason=plain(printable.INSTALL_HINT, limit=None)))
        return
    if st.button(t("pick.make_pdf"), key="pick_make_pdf"):
        try:
            st.session_state[PDF] = (pl.wave, printable.pdf(page))
        except printable.PdfUnavailable as exc:
            st.info(t("pick.no_pdf", reason=plain(exc, limit=None)))
    ready = st.session_state.get(PDF)
    if ready and ready[0] == pl.wave:
        st.download_button(t("pick.download_pdf"), ready[1], f"picklist-{pl.wave}.pdf", "application/pdf",
                           on_click=picklist.record_print, args=(settings, user, pl, "pdf"), key="pick_pdf_dl")
