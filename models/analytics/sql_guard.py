"""The SQL box's allow-list: what one user-written SELECT may name (tables and functions).

    check_query("select channel, count(*) from orders group by all", {"orders"})  # → the statement
    check_query("select * from 'data/lake/orders/x.parquet'", {"orders"})         # → GuardError

The statement is parsed by DuckDB itself (`json_serialize_sql`), so every spelling (quoted, upper case,
schema-prefixed) arrives as the same AST node, and the walk checks each node against an allow-list
instead of a block list: a table reference must be a served view (or a CTE of the query), unqualified;
a table function must be one of TABLE_FUNCTIONS; every other function must be a built-in scalar, aggregate
or window function that touches no file, setting, catalog, network or session (EXCLUDED below).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache

import duckdb

TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
# Built-in functions left out of the allow-list, and why. Prefixes first, then single names.
EXCLUDED_PREFIXES = (
    "__internal",      # planner internals
    "duckdb_",         # catalog, settings, memory, secrets, logs
    "pg_",             # Postgres catalog shims (pg_get_viewdef shows view SQL), pg_sleep
    "has_",            # privilege probes over the catalog
    "read_", "parquet_", "json_serialize", "json_deserialize", "json_execute",  # files and SQL-in-SQL
    "current_",        # session and catalog facts (current_setting, current_query, current_schema …)
    "inet_", "icu_",   # network addresses, ICU tables
)
EXCLUDED = frozenset({
    "current_date", "current_localtime", "current_localtimestamp",  # placeholders: re-allowed below
    "version", "user", "session_user", "getvariable", "error", "sleep_ms", "nextval", "currval",
    "txid_current", "col_description", "obj_description", "shobj_description", "format_type",
    "format_pg_type", "parse_duckdb_log_message", "stats", "get_block_size", "checkpoint", "query",
    "query_table", "glob", "sniff_csv", "variant_to_parquet_variant", "to_aggregate_state", "alias",
    "create_external_resource", "register_external_resource",
})
# Plain clock readings, and unnest in a select list (a table function, so not in the scalar list).
ALWAYS = frozenset({"current_date", "current_localtime", "current_localtimestamp", "unnest"})
ALLOWED_FROM = frozenset({"BASE_TABLE", "JOIN", "SUBQUERY", "TABLE_FUNCTION", "EXPRESSION_LIST", "EMPTY",
                          "EMPTY_FROM", "PIVOT"})


class GuardError(ValueError):
    """The query names something the SQL box does not serve; the message says what and what to do."""


@lru_cache(maxsize=1)
def allowed_functions() -> frozenset[str]:
    """Every built-in scalar, aggregate, window function and macro minus the exclusions above."""
    con = duckdb.connect(":memory:")
    try:
        rows = con.execute("select distinct function_name from duckdb_functions() where function_type in "
                           "('scalar', 'aggregate', 'window', 'macro')").fetchall()
    finally:
        con.close()
    names = {name for (name,) in rows}
    kept = {n for n in names if n not in EXCLUDED and not n.startswith(EXCLUDED_PREFIXES)}
    return frozenset(kept | ALWAYS)


def parse(sql: str) -> dict:
    """DuckDB's own AST of one SELECT statement (as JSON), or GuardError saying why not."""
    con = duckdb.connect(":memory:")
    try:
        text = con.execute("select json_serialize_sql(?)", [sql]).fetchall()[0][0]
    except duckdb.Error as exc:
        raise GuardError(f"The query does not parse: {_first_line(exc)}") from exc
    finally:
        con.close()
    tree = json.loads(text)
    if tree.get("error"):
        raise GuardError(f"Only one plain SELECT (or WITH … SELECT) is allowed: {tree.get('error_message')}")
    if len(tree["statements"]) != 1:
        raise GuardError(f"Write exactly one SELECT statement (found {len(tree['statements'])}).")
    return tree["statements"][0]["node"]


def check_query(sql: str, served: set[str] | frozenset[str]) -> None:
    """Refuse the statement unless every table and function it names is on the allow-lists."""
    node = parse(sql)
    ctes = set(_cte_names(node))  # a CTE name resolves only to the query's own SELECT
    for kind, item in _walk(node):
        if kind == "table":
            _check_table(item, served | ctes)
        elif kind == "table_function":
            _check_table_function(item)
        elif kind == "function":
            _check_function(item)


def _walk(node: object) -> Iterator[tuple[str, dict]]:
    """Every table reference, table function and function call anywhere in the tree."""
    if isinstance(node, list):
        for item in node:
            yield from _walk(item)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if _is_table_ref(node):
        if kind not in ALLOWED_FROM:
            raise GuardError(f"{kind.replace('_', ' ').lower()} is not available here; write a SELECT over "
                             "the views listed under the box.")
        if kind == "BASE_TABLE":
            yield "table", node
        elif kind == "TABLE_FUNCTION":
            yield "table_function", node
            yield from _walk(node["function"].get("arguments", []))  # the call itself is checked above
            return
    elif node.get("class") in {"FUNCTION", "WINDOW"} or kind == "FUNCTION":
        yield "function", node
    for value in node.values():
        yield from _walk(value)


def _is_table_ref(node: dict) -> bool:
    """A FROM-clause node (TableRef): it carries a sample clause and no expression class."""
    return "sample" in node and "class" not in node and "type" in node and "query_location" in node


def _cte_names(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for entry in node.get("cte_map", {}).get("map", []):
            yield entry["key"].lower()
        for value in node.values():
            yield from _cte_names(value)
    elif isinstance(node, list):
        for item in node:
            yield from _cte_names(item)


def _check_table(ref: dict, allowed: set[str]) -> None:
    name = ref["table_name"]
    if ref.get("schema_name") or ref.get("catalog_name"):
        raise GuardError(f"{_qualified(ref)}: name a view without a schema (e.g. orders).")
    if name.lower() not in allowed:
        raise GuardError(f"{name!r} is not a view you can query here; use one of: {', '.join(sorted(allowed))}.")


def _check_table_function(ref: dict) -> None:
    function = ref.get("function") or {}
    name = str(function.get("function_name", "")).lower()
    if function.get("schema") or function.get("catalog") or name not in TABLE_FUNCTIONS:
        raise GuardError(f"{name}() cannot be used in FROM here (files and catalogs are closed); "
                         f"query the views, or use {', '.join(sorted(TABLE_FUNCTIONS))}.")


def _check_function(call: dict) -> None:
    name = str(call.get("function_name", "")).lower()
    if call.get("schema") or call.get("catalog"):
        raise GuardError(f"{name}(): call functions without a schema prefix.")
    if name not in allowed_functions():
        raise GuardError(f"{name}() is not available in the SQL box (only built-in functions that read "
                         "no files, settings or catalogs are).")


def _qualified(ref: dict) -> str:
    return ".".join(p for p in (ref.get("catalog_name"), ref.get("schema_name"), ref["table_name"]) if p)


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split("\n")[:1]).strip()
