"""The snapshot as HTML (inline styles and tables, which every mail client draws), plain text and CSV.

Charts are `<img src="cid:…">` references the mailer attaches as inline PNGs; no script, no remote
image, so the message reads the same in Outlook, Gmail, Apple Mail and a terminal mail reader.
"""

from __future__ import annotations

import csv
import io
from html import escape

import pandas as pd

from models.formatting import format_count
from models.i18n import exception_label, label
from reports.snapshot import KpiRow, Snapshot, footer_times

GOOD, BAD, NEUTRAL = "#E6F4EA", "#FCE8E6", "#FFFFFF"
FONT = "font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',Arial,sans-serif"
CELL = "padding:6px 10px;border-bottom:1px solid #E0E0E0;"


def subject(snap: Snapshot) -> str:
    row = snap.row
    return label("report.subject", snap.lang, week=snap.week, orders=row["orders"].now, gmv=row["gmv_cents"].now)


def html(snap: Snapshot, images: dict[str, str]) -> str:
    """The HTML part; `images` maps chart name → its src (`cid:…` in the e-mail, `data:` in a preview file)."""
    lang = snap.lang
    generated, as_of = footer_times(snap)
    charts = "".join(
        f'<tr><td style="padding:8px 0;"><img src="{escape(src)}" width="600" alt="{escape(name)}" '
        f'style="display:block;width:100%;max-width:600px;height:auto;border:0;"></td></tr>'
        for name, src in images.items()
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(subject(snap))}</title></head>\n"
        f'<body style="margin:0;padding:0;background:#F4F6F8;{FONT};color:#202124;">\n'
        f'<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="background:#F4F6F8;">'
        f'<tr><td align="center" style="padding:16px;">\n'
        f'<table role="presentation" width="640" cellspacing="0" cellpadding="0" '
        f'style="max-width:640px;width:100%;background:#FFFFFF;border-radius:8px;padding:20px;">\n'
        f"<tr><td>{_heading(snap)}</td></tr>\n"
        f"<tr><td>{_kpi_table(snap.rows, lang)}</td></tr>\n"
        f"{charts}\n"
        f"<tr><td>{_causes(snap.frames['exceptions_by_type'], lang)}</td></tr>\n"
        f"<tr><td>{_incidents(snap)}</td></tr>\n"
        f'<tr><td style="padding:16px 0;">{_button(snap)}</td></tr>\n'
        f'<tr><td style="font-size:12px;color:#5F6368;">{escape(label("report.csv_note", lang))} '
        f'{escape(label("report.footer", lang, ts=generated, as_of=as_of))}</td></tr>\n'
        f"</table></td></tr></table>\n</body></html>\n"
    )


def _heading(snap: Snapshot) -> str:
    period = label("report.period", snap.lang, start=snap.scope.start, end=snap.scope.end, tz=snap.timezone)
    title = label("report.title", snap.lang, week=snap.week)
    return (f'<h1 style="font-size:22px;margin:0 0 4px;">OrderHub · {escape(title)}</h1>'
            f'<p style="margin:0 0 16px;color:#5F6368;font-size:14px;">{escape(period)}</p>')


def _table(headers: list[str], rows: list[list[tuple[str, str]]], title: str = "") -> str:
    """A plain HTML table; each cell is (text, extra style)."""
    head = "".join(f'<th align="left" style="{CELL}font-size:12px;color:#5F6368;">{escape(h)}</th>' for h in headers)
    body = "".join("\n<tr>" + "".join(f'<td style="{CELL}{style}">{escape(text)}</td>' for text, style in row)
                   + "</tr>" for row in rows)
    caption = f'<h2 style="font-size:16px;margin:20px 0 8px;">{escape(title)}</h2>' if title else ""
    return (f'{caption}<table role="presentation" width="100%" cellspacing="0" cellpadding="0" '
            f'style="border-collapse:collapse;font-size:14px;">{head and "<tr>" + head + "</tr>"}{body}\n</table>')


def _kpi_table(rows: list[KpiRow], lang: str) -> str:
    headers = [label(f"report.col_{c}", lang) for c in ("kpi", "target", "this_week", "last_week", "change")]
    cells = [[(label(f"kpi.{r.key}", lang), ""), (r.target, "color:#5F6368;"),
              (r.now, f"font-weight:600;background:{_colour(r.status)};"), (r.before, ""), (r.change, "")]
             for r in rows]
    return _table(headers, cells)


def _colour(status: bool | None) -> str:
    return NEUTRAL if status is None else (GOOD if status else BAD)


def _causes(df: pd.DataFrame, lang: str) -> str:
    title = label("report.causes", lang)
    if df.empty:
        return f'<h2 style="font-size:16px;margin:20px 0 8px;">{escape(title)}</h2>' \
               f'<p style="font-size:14px;">{escape(label("report.no_exceptions", lang))}</p>'
    headers = [label(f"report.col_{c}", lang) for c in ("type", "raised", "open", "overdue")]
    return _table(headers, [[(t, "")] + [(str(c), "") for c in counts] for t, *counts in _cause_rows(df, lang)],
                  title)


def _cause_rows(df: pd.DataFrame, lang: str, top: int = 5) -> list[tuple]:
    return [(exception_label(r.type, lang), format_count(r.raised), format_count(r.open), format_count(r.overdue))
            for r in df.head(top).itertuples()]


def _incidents(snap: Snapshot) -> str:
    lang, title = snap.lang, label("report.incidents", snap.lang)
    if snap.incidents.empty:
        return f'<h2 style="font-size:16px;margin:20px 0 8px;">{escape(title)}</h2>' \
               f'<p style="font-size:14px;">{escape(label("report.no_incidents", lang))}</p>'
    headers = [label(f"report.col_{c}", lang) for c in ("hour", "orders", "capacity")]
    more = _more_incidents(snap)
    return _table(headers, [[(h, ""), (o, f"background:{BAD};font-weight:600;"), (c, "")]
                            for h, o, c in incident_rows(snap)], title) + (
        f'<p style="font-size:13px;color:#5F6368;">{escape(more)}</p>' if more else "")


def incident_rows(snap: Snapshot, top: int = 10) -> list[tuple[str, str, str]]:
    """(local hour, orders, capacity line) of the `top` hours furthest over capacity, in time order."""
    df = snap.incidents.assign(excess=snap.incidents["orders"] - snap.capacity_ratio * snap.incidents["baseline"])
    df = df.nlargest(top, "excess").sort_values("hour")
    return [(f"{pd.Timestamp(r.hour):%Y-%m-%d %a %H:00}", format_count(r.orders),
             f"{snap.capacity_ratio * r.baseline:.1f}") for r in df.itertuples()]


def _more_incidents(snap: Snapshot, top: int = 10) -> str:
    more = len(snap.incidents) - top
    return label("report.more_incidents", snap.lang, n=more) if more > 0 else ""


def _button(snap: Snapshot) -> str:
    return (f'<a href="{escape(snap.console_url)}" style="background:#1A73E8;color:#FFFFFF;text-decoration:none;'
            f'padding:10px 18px;border-radius:4px;font-size:14px;display:inline-block;">'
            f'{escape(label("report.open_console", snap.lang))}</a>')


def text(snap: Snapshot) -> str:
    """The plain-text alternative: the same figures, aligned in columns."""
    lang = snap.lang
    generated, as_of = footer_times(snap)
    lines = [f"OrderHub · {label('report.title', lang, week=snap.week)}",
             label("report.period", lang, start=snap.scope.start, end=snap.scope.end, tz=snap.timezone), ""]
    lines += _columns([[label(f"report.col_{c}", lang) for c in ("kpi", "target", "this_week", "last_week", "change")]]
                      + [[label(f"kpi.{r.key}", lang), r.target, r.now + _mark(r.status, lang), r.before, r.change]
                         for r in snap.rows])
    lines += ["", label("report.causes", lang)]
    causes = _cause_rows(snap.frames["exceptions_by_type"], lang)
    lines += _columns([[label(f"report.col_{c}", lang) for c in ("type", "raised", "open", "overdue")],
                       *map(list, causes)]) if causes else [label("report.no_exceptions", lang)]
    lines += ["", label("report.incidents", lang)]
    incidents = incident_rows(snap)
    lines += _columns([[label(f"report.col_{c}", lang) for c in ("hour", "orders", "capacity")],
                       *map(list, incidents)]) if incidents else [label("report.no_incidents", lang)]
    lines += [_more_incidents(snap)] if _more_incidents(snap) else []
    lines += ["", f"{label('report.open_console', lang)}: {snap.console_url}", "",
              label("report.csv_note", lang), label("report.footer", lang, ts=generated, as_of=as_of)]
    return "\n".join(lines) + "\n"


def _mark(status: bool | None, lang: str) -> str:
    return "" if status is None else f" ({label('report.met' if status else 'report.missed', lang)})"


def _columns(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def _width(text: str) -> int:
    """Display columns: CJK characters take two."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def kpi_csv(snap: Snapshot) -> str:
    """The KPI table as CSV: raw values for spreadsheets, beside the text the e-mail shows.

    It starts with a UTF-8 byte-order mark, without which Excel shows '¥' and Chinese labels garbled.
    """
    out = io.StringIO("\ufeff")
    out.seek(1)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["week", "kpi", "unit", "this_week", "last_week", "this_week_shown", "last_week_shown",
                     "change_shown", "target_shown", "on_target"])
    for r in snap.rows:
        writer.writerow([snap.week, r.key, r.unit, _raw(r.now_value), _raw(r.before_value), r.now, r.before,
                         r.change, r.target, "" if r.status is None else str(r.status).lower()])
    return out.getvalue()


def _raw(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return f"{value:.6g}" if isinstance(value, float) else str(value)

