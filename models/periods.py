"""Complete periods: a day that has not ended yet is not compared with whole days.

    complete_days(Scope(date(2026, 11, 26), date(2026, 12, 2)), today=date(2026, 12, 2))
    # Scope(2026-11-26 … 2026-12-01): today's first hours would look like a collapse against a whole day

Today's orders are few (the day is young) and its shipped orders are the fast ones (the slow ones have not
shipped yet), so a period that holds today turns Orders and GMV red and drags the lead-time line down. The
Overview shows complete days and says what it left out.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from models.kpis import Scope


def complete_days(scope: Scope, today: date) -> Scope | None:
    """The scope without today and later (days not over yet); None when no day of it has ended."""
    if scope.end < today:
        return scope
    if scope.start >= today:
        return None
    return replace(scope, end=today - timedelta(days=1))
