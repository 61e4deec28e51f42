"""Test-wide setup: every test run gets its own var/ directory, so nothing touches a developer's data."""

from __future__ import annotations

import os
import tempfile

os.environ["XIUFU_ENV"] = "test"
os.environ["XIUFU_VAR_DIR"] = tempfile.mkdtemp(prefix="xiufu-test-var-")
os.environ["XIUFU_SIMULATOR_URL"] = "http://127.0.0.1:18931"
os.environ.pop("DATABASE_URL", None)
os.environ.pop("XIUFU_DATABASE_URL", None)


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def simulator_url():
    """The downstream-site simulator on loopback, as the sync activities reach it over HTTP."""
    from tests.sim import serve_simulator

    with serve_simulator(os.environ["XIUFU_SIMULATOR_URL"]) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url():
    """One throwaway PostgreSQL server for the session (store tests and the PostgreSQL system test)."""
    from tests.pg import postgres_server

    try:
        with postgres_server() as url:
            yield url
    except FileNotFoundError as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
