"""Test-wide setup: every test run gets its own var/ directory, so nothing touches a developer's data."""

from __future__ import annotations

import os
import tempfile

os.environ["XIUFU_ENV"] = "test"
os.environ["XIUFU_VAR_DIR"] = tempfile.mkdtemp(prefix="xiufu-test-var-")
os.environ["XIUFU_SIMULATOR_URL"] = "http://127.0.0.1:18931"
os.environ.pop("DATABASE_URL", None)
os.environ.pop("XIUFU_DATABASE_URL", None)


import threading  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def simulator_url():
    """The downstream-site simulator on loopback, as the sync activities reach it over HTTP."""
    import httpx
    import uvicorn

    from simulator.app import app

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=18931, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = os.environ["XIUFU_SIMULATOR_URL"]
    for _ in range(100):
        try:
            httpx.get(url + "/sites", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=5)
