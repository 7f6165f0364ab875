"""The simulators: they play the platforms (`sim.sandbox`) and write demo histories (`sim.demo`).

They are not ingest: they sit above it (they may import `ingest` and `models`) and nothing of ours
imports them except tests, bench and the two CLI entry points `python -m ingest sandbox` / `demo`,
which name their modules (ingest/__main__.py) instead of importing them.
"""
