"""The downstream-site simulator served on loopback from a thread, for the tests and the history recorder."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn


@contextmanager
def serve_simulator(url: str) -> Iterator[str]:
    from simulator.app import app

    with serve(app, url, "/sites"):
        yield url


@contextmanager
def serve(app, url: str, probe: str) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Any ASGI app on loopback from a thread, over real sockets (what a test client cannot show: when
    the server stops reading a body)."""
    port = int(url.rsplit(":", 1)[-1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        try:
            httpx.get(url + probe, timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    else:
        raise RuntimeError(f"{url} did not answer")
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=5)
