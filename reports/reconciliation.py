"""The month's reconciliation workbook rides along with the weekly e-mail sent on the first Monday of a month.

    reconciliation.attachments(db, date(2026, 3, 30), "en", access, as_of)
    # {'orderhub-reconciliation-2026-03.xlsx': (b'PK…', 'vnd.openxmlformats-officedocument.spreadsheetml.sheet')}

The snapshot of the week starting `monday` goes out the Monday after; when that is the first Monday of its
month, the month before has just ended and its workbook (models/reconciliation/workbook.py) is attached,
narrowed to the recipients' access and with buyer ids masked (an e-mail has no role that may see them).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models.access import Access
from models.db import LakeConnection
from models.kpis import Scope
from models.reconciliation.workbook import workbook

XLSX = "vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def month_to_attach(monday: date) -> str | None:
    """'2026-03' when the e-mail of the week starting `monday` is sent on the first Monday of April."""
    sent = monday + timedelta(days=7)
    if sent.day > 7:
        return None
    return f"{sent.replace(day=1) - timedelta(days=1):%Y-%m}"


def attachments(db: LakeConnection, monday: date, lang: str, access: Access,
                as_of: datetime) -> dict[str, tuple[bytes, str]]:
    """The file to attach to this week's e-mail (name → bytes, MIME subtype), or nothing."""
    month = month_to_attach(monday)
    if month is None:
        return {}
    scope = access.narrow(Scope(monday, monday))  # the dates are replaced by the month's
    data = workbook(db, month, scope, as_of, lang, role=None)
    return {f"orderhub-reconciliation-{month}.xlsx": (data, XLSX)}
