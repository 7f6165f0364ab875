"""Check every rule's expression by binding it against the canonical row with no data in it.

DuckDB does the parsing and type checking: a syntax error, an unknown column or a non-boolean result
comes back as a message naming the rule, and nothing runs over real rows.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from models.db import LakeConnection
from models.rules import canonical
from models.rules.config import RuleSet


def expression_problem(db: LakeConnection, expr: str) -> str | None:
    """Why the expression cannot be a rule condition, or None. Needs `rule_batch` loaded."""
    try:
        kind = db.con.execute(f"describe select ({canonical.expand(expr)}) as v from rule_batch").fetchall()[0][1]
    except duckdb.ParserException as exc:
        return f"syntax error: {_first_line(exc)}"
    except (duckdb.BinderException, duckdb.CatalogException) as exc:
        return f"unknown column or function: {_first_line(exc)}"
    except duckdb.Error as exc:
        return _first_line(exc)
    if kind != "BOOLEAN":
        return f"gives {kind}, not true/false; compare it with something (e.g. `{expr} > 0`)"
    return None


def _first_line(exc: Exception) -> str:
    return str(exc).split("\n")[0].strip()


def problems(db: LakeConnection, rules: RuleSet, now: datetime | None = None) -> list[str]:
    """Every rule whose `when` does not bind to a boolean, as 'rule <id> (<kind>): <why>'."""
    canonical.empty_batch(db, rules, now or datetime.now(UTC))
    out = []
    for rule in rules.rules:
        why = expression_problem(db, rule.when)
        if why:
            out.append(f"rule {rule.id} ({rule.kind}): {why}")
    return out
