"""Test-wide setup: every test run gets its own var/ directory, so nothing touches a developer's data."""

from __future__ import annotations

import os
import tempfile

os.environ["XIUFU_ENV"] = "test"
os.environ["XIUFU_VAR_DIR"] = tempfile.mkdtemp(prefix="xiufu-test-var-")
# XIUFU_TEST_SIMULATOR_PORT lets two test runs share a machine (each its own simulator)
os.environ["XIUFU_SIMULATOR_URL"] = f"http://127.0.0.1:{os.environ.get('XIUFU_TEST_SIMULATOR_PORT', '18931')}"
# every test client comes from one address: the failure throttle is tested on its own (tests/api/web/test_hardening)
os.environ["XIUFU_THROTTLE_FAILURES"] = "100000"
os.environ.pop("DATABASE_URL", None)
os.environ.pop("XIUFU_DATABASE_URL", None)


import uuid  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

import pytest  # noqa: E402
import pytest_asyncio  # noqa: E402


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


@pytest_asyncio.fixture(scope="session")
async def env():
    from tests.servers import time_skipping

    async with time_skipping() as env:
        yield env


@pytest.fixture(scope="session")
def store_ready():
    from config.settings import get_settings
    from store.migrate import upgrade

    upgrade(get_settings().db_url)


@pytest_asyncio.fixture
async def worker(env, store_ready, simulator_url):
    """A worker on a fresh task queue per test, with the real activities."""
    from worker import ACTIVITY_THREADS, build_worker

    queue = str(uuid.uuid4())
    with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as executor:
        async with build_worker(env.client, queue, executor):
            yield queue
