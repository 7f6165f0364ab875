"""The console the browser tests drive: started by bench/browser.py, shared with the interaction benchmark."""

from bench.browser import CHROMIUM_ARGS, ROOT, console, free_port, wait_healthy

__all__ = ["CHROMIUM_ARGS", "ROOT", "console", "free_port", "wait_healthy"]
