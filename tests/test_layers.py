"""The layers, held: which of our packages may import which, read from every import statement (those inside
functions too), and no import cycle between our modules.

    pages → ui, models            ui → models, reports (the e-mail preview), charts
    models → nothing of ours      ingest → models, reports (the jobs it schedules)
    reports → models, charts      charts → models (labels, channel colours; no Streamlit)
    sim → ingest, models          bench, tests → anything (bench not tests); only tests and bench import sim

A package may always import its own modules. docs/architecture.md ("Layers") says why.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("app", "console", "pages", "ui", "models", "ingest", "reports", "charts", "sim", "bench", "tests")
EVERYTHING = frozenset(OURS)
ALLOWED: dict[str, frozenset[str]] = {
    "app": frozenset({"ui", "models"}),
    "console": frozenset({"ui"}),
    "pages": frozenset({"ui", "models"}),
    "ui": frozenset({"models", "reports", "charts"}),
    "models": frozenset(),
    "ingest": frozenset({"models", "reports"}),
    "reports": frozenset({"models", "charts"}),
    "charts": frozenset({"models"}),
    "sim": frozenset({"ingest", "models"}),
    "bench": EVERYTHING - {"tests"},
    "tests": EVERYTHING,
}
CHECKED = ("app", "console", "pages", "ui", "models", "ingest", "reports", "charts", "sim", "bench")  # not tests
NO_STREAMLIT = ("models", "charts", "reports", "ingest")  # run outside the console (jobs, CLIs, the e-mail)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def files(packages: tuple[str, ...] = CHECKED) -> Iterator[Path]:
    for name in packages:
        if (ROOT / f"{name}.py").is_file():
            yield ROOT / f"{name}.py"
        elif (ROOT / name).is_dir():
            yield from (p for p in sorted((ROOT / name).rglob("*.py")) if ".venv" not in p.parts)


def _is_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the import nodes under `if TYPE_CHECKING:`: annotations only, never run, so no edge."""
    return {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
            and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
            for stmt in block.body for node in ast.walk(stmt)}


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in the file, at any depth; `from a import b` names a.b when b is a module.
    Relative imports are resolved against the file's package; imports under `if TYPE_CHECKING:` are not run
    and are left out."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skipped = _type_checking_only(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield node.lineno, full if _is_module(full) else base


def breaches(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        layer = module_name(path).split(".")[0]
        for line, target in sorted(set(imports(path))):
            top = target.split(".")[0]
            if top in OURS and top != layer and top not in ALLOWED[layer]:
                allowed = ", ".join(sorted(ALLOWED[layer])) or "nothing of ours"
                found.append(f"{path.relative_to(ROOT)}:{line} imports {target} ({layer} may import {allowed})")
    return found


def test_every_import_goes_down_the_layers() -> None:
    found = breaches(list(files()))
    assert found == [], "\n" + "\n".join(found)


def test_the_check_names_a_breach_with_its_file_line_and_rule(tmp_path: Path) -> None:
    page = ROOT / "pages" / "_layer_probe.py"  # a page importing ingest, written for a moment
    page.write_text("def f():\n    from ingest.pipeline import run_all\n", encoding="utf-8")
    try:
        assert breaches([page]) == [
            "pages/_layer_probe.py:2 imports ingest.pipeline (pages may import models, ui)"]
    finally:
        page.unlink()


@pytest.mark.parametrize("layer", NO_STREAMLIT)
def test_code_outside_the_console_never_imports_streamlit(layer: str) -> None:
    found = [f"{p.relative_to(ROOT)}:{line}" for p in files((layer,)) for line, target in imports(p)
             if target.split(".")[0] == "streamlit"]
    assert found == []


def graph() -> dict[str, set[str]]:
    """Module → our modules it imports (the module itself when it is a package's __init__)."""
    edges: dict[str, set[str]] = {}
    for path in files((*CHECKED, "tests")):
        name = module_name(path)
        edges[name] = {t for _, t in imports(path) if t.split(".")[0] in OURS and t != name and _is_module(t)}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_our_modules() -> None:
    found = cycles(graph())
    assert found == [], "\n" + "\n".join(" ↔ ".join(c) for c in found)


def test_imports_for_annotations_only_are_no_edge(tmp_path: Path) -> None:
    probe = ROOT / "ingest" / "_layer_probe.py"
    probe.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ingest.config import X\n"
                     "from ingest.http import Y\n", encoding="utf-8")
    try:
        assert [t for _, t in imports(probe)] == ["typing", "ingest.http"]
    finally:
        probe.unlink()


def test_the_cycle_check_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
