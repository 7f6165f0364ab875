"""Plotly figures as PNG bytes for e-mail, through ONE headless Chromium reused for every chart.

    with ChartRenderer() as render:
        png = render(fig)            # about 0.3 s a chart once the browser is up (about 3 s)

Why not `kaleido.start_sync_server`: when no browser can start, its worker thread dies and every later
call waits forever on a queue (checked with kaleido 1.5). Here Kaleido runs on our own event-loop thread,
so the missing browser is a `ChartError` at once and every render has a timeout. MathJax is off, so the
render page asks nothing of the network; plotly.js comes from the installed plotly package. The browser
is the system one (Debian's `chromium` on PATH, or BROWSER_PATH); nothing is ever downloaded.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import plotly.graph_objects as go

WIDTH, HEIGHT, SCALE = 640, 320, 2
INSTALL_HINT = ("install Debian's chromium (`make system-deps` or `apt-get install chromium`) "
                "or point BROWSER_PATH at a Chrome/Chromium binary")


class ChartError(RuntimeError):
    """A chart could not be rendered: no browser, a browser that will not start, or a render timeout."""


class ChartRenderer:
    """A Kaleido browser on a private event-loop thread; call it with a figure to get PNG bytes."""

    def __init__(self, timeout_s: float = 30.0, start_timeout_s: float = 60.0):
        self.timeout_s, self.start_timeout_s = timeout_s, start_timeout_s
        self.timings: list[float] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="chart-renderer", daemon=True)
        self._kaleido: Any = None

    def __enter__(self) -> ChartRenderer:
        self._thread.start()
        try:
            self._kaleido = self._wait(self._open(), self.start_timeout_s, "starting the browser")
        except BaseException:
            self._stop_loop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._kaleido is not None:
                self._wait(self._kaleido.close(), 15, "closing the browser")
        except ChartError:
            pass  # a browser that will not close dies with the process; the PNGs are already made
        finally:
            self._stop_loop()

    def __call__(self, fig: go.Figure, width: int = WIDTH, height: int = HEIGHT) -> bytes:
        opts = {"format": "png", "width": width, "height": height, "scale": SCALE}
        started = time.perf_counter()
        png = self._wait(self._kaleido.calc_fig(fig, opts=opts), self.timeout_s, "rendering a chart")
        self.timings.append(time.perf_counter() - started)
        return png

    async def _open(self) -> Any:
        import kaleido
        from choreographer.browsers.chromium import ChromeNotFoundError

        try:
            k = kaleido.Kaleido(n=1, timeout=self.timeout_s, mathjax=False)
        except ChromeNotFoundError as exc:
            where = os.environ.get("BROWSER_PATH") or f"chromium/chrome on PATH={os.environ.get('PATH', '')!r}"
            raise ChartError(f"No browser to render e-mail charts (looked for {where}): {INSTALL_HINT}.") from exc
        await k.open()
        return k

    def _wait(self, coro: Any, timeout_s: float, what: str) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout_s)
        except FutureTimeout as exc:
            future.cancel()
            raise ChartError(f"Chart renderer: {what} took longer than {timeout_s:g} s; {INSTALL_HINT}.") from exc
        except ChartError:
            raise
        except Exception as exc:
            raise ChartError(f"Chart renderer: {what} failed ({exc.__class__.__name__}: {exc})") from exc

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


def render_all(figures: dict[str, go.Figure], timeout_s: float = 30.0) -> tuple[dict[str, bytes], list[float]]:
    """Every figure as PNG bytes through one browser; also the seconds each render took."""
    with ChartRenderer(timeout_s) as render:
        return {name: render(fig) for name, fig in figures.items()}, render.timings
