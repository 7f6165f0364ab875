"""The KPI definitions in other engines' SQL: DuckDB's macros inlined, then transpiled with sqlglot.

    to_dialect(named_queries()["summary"], "spark", params)   # one KPI query, parameters bound
    view_statements("spark")                                  # views.sql's views for that engine

Why: every KPI is written once, in DuckDB SQL (models/sql/macros.sql, views.sql, kpis/*.sql). Spark,
Trino and Athena have no macros and differ in a few functions, so the same text is made portable here
rather than kept twice: macros are expanded in place (a table macro becomes a subquery), parameters become
literals, and the few functions sqlglot does not map to an equivalent are rewritten on its syntax tree
(`quantile_cont` → `percentile`, DuckDB's `timezone(tz, ts)` → `from_utc_timestamp`, `date_diff('second')`
→ a difference of epoch seconds, an ordered `list()`
→ a sorted `collect_list`, `unpivot ... on columns(*)` → an explicit column list, `json_valid` → a JSON path
that is not null). Whatever this module
emits is checked by running it: tests/scale/test_spark_kpis.py compares every figure with DuckDB's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

SQL_DIR = Path(__file__).parent / "sql"
MACRO_FILES = ("views.sql", "macros.sql")
_STRING_OR_WORD = r"'(?:[^']|'')*'|\b({names})\b"
_MACRO = re.compile(r"create\s+or\s+replace\s+macro\s+(\w+)\s*\(([^)]*)\)\s+as\s+(table\s+)?(.*)", re.S | re.I)
_VIEW = re.compile(r"create\s+or\s+replace\s+view\s+(\w+)\s+as\s+(.*)", re.S | re.I)
_ALIAS_STOP = {"where", "group", "order", "join", "left", "right", "inner", "full", "cross", "on", "using", "union",
               "limit", "having", "qualify", "window", "as", "natural", "except", "intersect"}


@dataclass(frozen=True)
class Macro:
    name: str
    params: tuple[str, ...]
    body: str
    is_table: bool


def statements(text: str) -> list[str]:
    """The SQL statements of a file, comments removed (they may hold `;`)."""
    lines = [re.sub(r"--.*$", "", line) for line in text.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


@cache
def macros() -> dict[str, Macro]:
    """Every macro of views.sql and macros.sql, by lower-case name."""
    found: dict[str, Macro] = {}
    for name in MACRO_FILES:
        for stmt in statements((SQL_DIR / name).read_text(encoding="utf-8")):
            m = _MACRO.match(stmt)
            if m:
                params = tuple(p.strip() for p in m.group(2).split(",") if p.strip())
                found[m.group(1).lower()] = Macro(m.group(1).lower(), params, m.group(4).strip(), bool(m.group(3)))
    return found


def views() -> list[tuple[str, str]]:
    """views.sql's views in file order: (name, DuckDB select)."""
    return [(m.group(1), m.group(2)) for stmt in statements((SQL_DIR / "views.sql").read_text(encoding="utf-8"))
            if (m := _VIEW.match(stmt))]


def _split_args(text: str) -> list[str]:
    args, depth, start, quoted = [], 0, 0, False
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch in "([":
            depth += 1
        elif not quoted and ch in ")]":
            depth -= 1
        elif not quoted and ch == "," and depth == 0:
            args.append(text[start:i].strip())
            start = i + 1
    args.append(text[start:].strip())
    return [a for a in args if a]


def _close(text: str, open_at: int) -> int:
    """Index of the parenthesis closing the one at `open_at` (quotes respected)."""
    depth, quoted = 0, False
    for i in range(open_at, len(text)):
        ch = text[i]
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError(f"unbalanced parentheses after: {text[open_at:open_at + 60]!r}")


def substitute(body: str, values: dict[str, str]) -> str:
    """Replace whole words `values` names in `body`, outside string literals, all at once."""
    if not values:
        return body
    pattern = re.compile(_STRING_OR_WORD.format(names="|".join(map(re.escape, values))), re.I)
    return pattern.sub(lambda m: f"({values[m.group(1).lower()]})" if m.group(1) else m.group(0), body)


def expand(sql: str) -> str:
    """`sql` with every macro call replaced by its body, until none is left."""
    known = macros()
    call = re.compile(r"\b(" + "|".join(known) + r")\s*\(", re.I)
    for _ in range(50):
        m = call.search(sql)
        if not m:
            return sql
        macro = known[m.group(1).lower()]
        end = _close(sql, m.end() - 1)
        args = _split_args(sql[m.end():end])
        if len(args) != len(macro.params):
            raise ValueError(f"{macro.name}: {len(args)} argument(s) given, {len(macro.params)} expected")
        body = substitute(macro.body, {p.lower(): a for p, a in zip(macro.params, args, strict=True)})
        rest = sql[end + 1:]
        if macro.is_table:
            word = re.match(r"\s*(\w+)", rest)
            alias = "" if word and word.group(1).lower() not in _ALIAS_STOP else f" as {macro.name}"
            sql = f"{sql[:m.start()]}({body}){alias}{rest}"
        else:
            sql = f"{sql[:m.start()]}({body}){rest}"
    raise ValueError("macros nested too deeply (a macro calls itself?)")


def literal(value: Any) -> str:
    """A DuckDB literal for a query parameter."""
    if isinstance(value, datetime):
        return f"cast('{value.isoformat(sep=' ')}' as timestamptz)"
    if isinstance(value, (list, tuple)):
        return "cast([" + ", ".join(literal(v) for v in value) + "] as varchar[])"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    return repr(value)


def bind(sql: str, params: dict[str, Any]) -> str:
    """`$name` parameters replaced by literals (longest names first: `$start_at` before `$start`)."""
    for name in sorted(params, key=len, reverse=True):
        sql = sql.replace(f"${name}", literal(params[name]))
    missing = re.findall(r"\$(\w+)", sql)
    if missing:
        raise ValueError(f"no value for parameter(s): {', '.join(sorted(set(missing)))}")
    return sql


def to_dialect(sql: str, dialect: str, params: dict[str, Any] | None = None) -> str:
    """One DuckDB statement (macros allowed, `$params` bound from `params`; None: left as parameters) in
    `dialect`'s SQL."""
    text = expand(sql) if params is None else bind(expand(sql), params)
    return _rewrite(sqlglot.parse_one(text, read="duckdb"), dialect).sql(dialect)


def _rewrite(node: exp.Expression, dialect: str) -> exp.Expression:
    """`_portable` applied bottom-up: a rewrite wraps children already rewritten (sqlglot's `transform` does
    not descend into what a rewrite returns, so `percentile(date_diff(...) / 3600.0)` kept its inner forms)."""
    for child in list(node.iter_expressions()):
        _rewrite(child, dialect)
    new = _portable(node, dialect)
    if new is not node:
        node.replace(new)
    return new


def _portable(node: exp.Expression, dialect: str) -> exp.Expression:
    """The rewrites sqlglot does not do itself (each one checked by running it on Spark)."""
    if isinstance(node, (exp.PercentileCont, exp.Quantile)):
        quantile = node.args.get("expression") or node.args.get("quantile")
        return exp.Anonymous(this="percentile" if dialect == "spark" else "approx_percentile",
                             expressions=[node.this, quantile])
    if isinstance(node, exp.Anonymous) and node.name.lower() == "timezone" and len(node.expressions) == 2:
        zone, ts = node.expressions
        if dialect == "spark":
            return exp.Anonymous(this="from_utc_timestamp", expressions=[ts, zone])
        return exp.AtTimeZone(this=ts, zone=zone)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "json_valid" and dialect == "spark":
        # Spark has no json_valid; its get_json_object is null for text that is not JSON (DuckDB's raises)
        return exp.Not(this=exp.Is(this=exp.Anonymous(this="get_json_object",
                                                      expressions=[*node.expressions, exp.Literal.string("$")]),
                                   expression=exp.Null()))
    if isinstance(node, exp.Anonymous) and node.name.lower() == "list_position":
        found = exp.Anonymous(this="array_position", expressions=node.expressions)
        return exp.Nullif(this=found, expression=exp.Literal.number(0))
    if isinstance(node, exp.Div) and dialect == "spark":  # DuckDB's `/` is a double; Spark's decimal/decimal
        # keeps 6 decimals (0.166667 for 600 s / 3600.0): divide in double as DuckDB does
        return exp.Div(this=exp.Cast(this=node.this, to=exp.DataType.build("double")), expression=node.expression)
    if isinstance(node, exp.DateDiff) and dialect == "spark" and node.text("unit").lower() == "second":
        # DuckDB counts the second boundaries crossed (10:00:00.9 → 10:00:01.1 is 1); Spark's datediff the whole
        # seconds elapsed (0): whole epoch seconds subtracted count boundaries
        return exp.Sub(this=exp.Anonymous(this="unix_timestamp", expressions=[node.this]),
                       expression=exp.Anonymous(this="unix_timestamp", expressions=[node.expression]))
    if isinstance(node, exp.Median) and dialect != "spark":  # Trino/Athena: no exact percentile
        return exp.Anonymous(this="approx_percentile", expressions=[node.this, exp.Literal.number(0.5)])
    if isinstance(node, exp.Length) and (_is_array(node.this) or _is_parameter(node.this)):
        return exp.ArraySize(this=node.this)
    if isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order) and dialect == "spark":
        return _sorted_collect(node.this)
    if isinstance(node, exp.Pivot) and node.args.get("unpivot") and isinstance(node.args.get("into"),
                                                                                exp.UnpivotColumns):
        return _unpivot(node, dialect)
    return node


def _is_parameter(node: exp.Expression) -> bool:
    while isinstance(node, exp.Paren):
        node = node.this
    return isinstance(node, exp.Placeholder | exp.Parameter)


def _is_array(node: exp.Expression) -> bool:
    while isinstance(node, exp.Paren):
        node = node.this
    return isinstance(node, exp.Array) or (isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.ARRAY))


def _sorted_collect(order: exp.Order) -> exp.Expression:
    """DuckDB `list(v order by k1, k2)` as Spark: collect (k1, k2, v) structs, sort them, keep v."""
    keys = [o.this for o in order.expressions]
    fields = ", ".join(f"{k.sql('spark')} as _k{i}" for i, k in enumerate(keys))
    return sqlglot.parse_one(
        f"transform(array_sort(collect_list(struct({fields}, {order.this.sql('spark')} as _v))), x -> x._v)",
        read="spark")


def _unpivot(node: exp.Pivot, dialect: str) -> exp.Expression:
    """DuckDB `unpivot (select a, b ...) on columns(*) into name n value v` with its columns spelled out."""
    inner = node.this.this if isinstance(node.this, exp.Subquery) else node.this
    columns = [c.alias_or_name for c in inner.expressions]
    into = node.args["into"]
    name, value = into.this.name, into.expressions[0].name
    if dialect == "spark":
        text = f"select * from ({inner.sql(dialect)}) unpivot ({value} for {name} in ({', '.join(columns)}))"
    else:  # Trino/Athena: a cross join over parallel arrays
        text = (f"select u.{name}, u.{value} from ({inner.sql(dialect)}) as s cross join unnest("
                f"array[{', '.join(repr(c) for c in columns)}], array[{', '.join(columns)}]) as u({name}, {value}) "
                f"where u.{value} is not null")
    return sqlglot.parse_one(text, read=dialect)

