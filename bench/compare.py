"""Our figures against a peer's, within float tolerance; every difference is reported, never hidden."""

from __future__ import annotations

import io
import math
import re

import pandas as pd

REL = 1e-6


def _frame(payload: str) -> pd.DataFrame:
    df = pd.read_json(io.StringIO(payload), orient="split")
    return df.reset_index(drop=True)


def _close(a: object, b: object) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=REL, abs_tol=1e-9)
    return a == b


def _check(peer: str, what: str, ours: pd.DataFrame, theirs: pd.DataFrame) -> dict:
    if list(ours.columns) != list(theirs.columns) or ours.shape != theirs.shape:
        return {"peer": peer, "what": what, "ok": False,
                "detail": f"shape/columns {ours.shape} {list(ours.columns)} vs {theirs.shape} {list(theirs.columns)}"}
    bad = [f"row {i} {c}: ours {ours.at[i, c]!r} vs {theirs.at[i, c]!r}"
           for i in range(len(ours)) for c in ours.columns if not _close(ours.at[i, c], theirs.at[i, c])]
    return {"peer": peer, "what": what, "ok": not bad, "detail": "; ".join(bad[:5]) or f"{ours.shape[0]} rows equal"}


def compare(peer: str, ours: dict[str, str], theirs: dict[str, str], overview: dict[str, str] | None = None,
            summary: dict | None = None) -> list[dict]:
    """Checks of the flow statistics and, when given, the Overview summary (pandas_kpis' seven figures)."""
    checks = [_check(peer, name, _frame(ours[name]), _frame(theirs[name])) for name in theirs]
    if overview is not None and summary is not None:
        row = _frame(overview["summary"]).iloc[0]
        mine = pd.DataFrame([{k: (None if pd.isna(row[k]) else float(row[k])) for k in summary}])
        checks.append(_check(peer, "summary", mine, pd.DataFrame([summary])))
    return checks


def same(a, b, where: str = "", rel_tol: float = 1e-9) -> None:
    """Equal, with floats within `rel_tol` relative and dates/times compared as instants (engines print them
    apart)."""
    if isinstance(a, dict):
        assert sorted(a) == sorted(b), where
        for k in a:
            same(a[k], b[k], f"{where}.{k}", rel_tol)
    elif isinstance(a, list):
        assert len(a) == len(b), f"{where}: {len(a)} rows vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{i}]", rel_tol)
    elif isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None, f"{where}: {a} vs {b}"
        assert math.isclose(a, b, rel_tol=rel_tol, abs_tol=1e-12), f"{where}: {a} vs {b}"
    elif isinstance(a, str) and re.match(r"\d{4}-\d\d-\d\d", a):
        assert pd.Timestamp(a).tz_localize(None) == pd.Timestamp(b).tz_localize(None), f"{where}: {a} vs {b}"
    else:
        assert a == b, f"{where}: {a!r} vs {b!r}"
