"""A pick list as a printable HTML page, and as PDF through the system's headless Chromium.

    page = html(pl, "zh", printed_at)        # escaped text only: SKU titles come from the platforms
    data = pdf(page)                         # PdfUnavailable when no chromium is on PATH (nor BROWSER_PATH)

Chromium is found like reports/static_charts.py finds it (Debian's `chromium` or BROWSER_PATH); nothing is
downloaded. Without it the console offers the HTML alone and says why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import datetime
from html import escape
from pathlib import Path

import pandas as pd

from models.i18n import label
from models.picklist import PickList
from reports.static_charts import INSTALL_HINT

STYLE = """body{font-family:sans-serif;margin:16px}table{border-collapse:collapse;width:100%;margin-bottom:18px}
th,td{border:1px solid #444;padding:4px 8px;text-align:left}td.qty{text-align:right;font-weight:bold}
section.gifts{border:3px dashed #b45309;padding:6px}section.gifts h2{color:#b45309}"""


class PdfUnavailable(RuntimeError):
    """No browser to print with, or it failed; the message says what to install or what went wrong."""


def html(pl: PickList, lang: str, printed_at: datetime) -> str:
    """The whole printable page: header, purchased lines, then gift lines in a framed section of their own."""
    head = label("pick.heading", lang, warehouse=pl.warehouse)
    facts = [label("pick.wave", lang, wave=pl.wave), label("pick.orders", lang, n=len(pl.order_ids)),
             label("pick.printed", lang, at=printed_at.strftime("%Y-%m-%d %H:%M")), label("pick.by_sku", lang)]
    body = "".join(f"<p>{escape(f)}</p>" for f in facts)
    body += _section("purchased", label("pick.purchased", lang), pl.purchased, lang)
    body += _section("gifts", label("pick.gifts", lang), pl.gifts, lang)
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(head)}</title>'
            f"<style>{STYLE}</style></head><body><h1>{escape(head)}</h1>{body}</body></html>")


def _section(kind: str, title: str, rows: pd.DataFrame, lang: str) -> str:
    cols = ("sku", "title", "qty", "orders")
    header = "".join(f"<th>{escape(label(f'pick.col_{c}', lang))}</th>" for c in cols)
    lines = "".join("<tr>" + "".join(f'<td class="{c}">{escape(str(r[c]))}</td>' for c in cols) + "</tr>"
                    for _, r in rows.iterrows())
    if rows.empty:
        lines = f'<tr><td colspan="4">{escape(label("pick.none", lang))}</td></tr>'
    return (f'<section class="{kind}"><h2>{escape(title)}</h2><table><thead><tr>{header}</tr></thead>'
            f"<tbody>{lines}</tbody></table></section>")


def chromium() -> str | None:
    """The browser to print with: BROWSER_PATH, else `chromium` on PATH."""
    return os.environ.get("BROWSER_PATH") or shutil.which("chromium")


def pdf(page: str, timeout_s: float = 60.0) -> bytes:
    """The page printed to PDF by headless Chromium (`--print-to-pdf`)."""
    browser = chromium()
    if browser is None:
        raise PdfUnavailable(f"no Chromium to print the PDF with: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="picklist-") as tmp:
        source, out = Path(tmp) / "picklist.html", Path(tmp) / "picklist.pdf"
        source.write_text(page, encoding="utf-8")
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
               "--disable-background-networking", "--no-pdf-header-footer", f"--user-data-dir={tmp}/profile",
               f"--print-to-pdf={out}", source.as_uri()]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable(f"Chromium did not print the pick list within {timeout_s:.0f} s") from exc
        if not out.exists() or out.stat().st_size == 0:
            raise PdfUnavailable("Chromium ran but wrote no PDF; print the HTML version instead")
        return out.read_bytes()
