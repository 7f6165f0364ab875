"""The local sandbox marketplace: simulated orders rendered in each platform's API shapes.

Started with `python -m ingest sandbox` (see server.py); `make run` runs it as its own process.
"""
