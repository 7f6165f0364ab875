"""The lake version is fixed per script run (ui/data.py `current_version`), keyed by a token of the run.

The token was the `id()` of the run's fragment coordinator. A session's runner is made anew for a rerun once
the last run ended, so the old coordinator is freed, and CPython may hand its address to the next one: the
new run then matched the old pin and read the lake version from before the edit it had just saved (the
queue still listed an exception after "1 exception(s) updated."). Real Streamlit coordinators, freed and
made as a runner does.
"""

from __future__ import annotations

from types import SimpleNamespace

from streamlit.runtime.parallel_coordinator import ParallelFragmentCoordinator

from ui import data


def _go_on() -> None:
    """The coordinator's yield check (one function for all, so making a coordinator allocates no other)."""


def test_every_run_gets_a_token_of_its_own_though_runs_reuse_addresses(monkeypatch):
    ctx = SimpleNamespace(parallel_coordinator=None)
    monkeypatch.setattr(data, "get_script_run_ctx", lambda suppress_warning=True: ctx)
    tokens, addresses = [], set()
    for _ in range(1_000):  # run after run, each runner's context (and coordinator) freed before the next
        ctx.parallel_coordinator = ParallelFragmentCoordinator(yield_check=_go_on, max_workers=1)
        addresses.add(id(ctx.parallel_coordinator))
        tokens.append(data._run_token())
        assert data._run_token() == tokens[-1]  # the same run keeps its token (and so its pinned lake version)
        ctx.parallel_coordinator = None
    assert len(set(tokens)) == len(tokens), f"{len(tokens) - len(set(tokens))} runs took an earlier run's token"
    assert len(addresses) < len(tokens)  # the case is real: some runs did reuse a freed run's address
