"""The routes that start or update workflows, against the time-skipping test server: the app's Temporal
dependency is overridden with that server's client, and a worker with the real activities serves the
API's task queue. Requests go through httpx's ASGI transport on the test's own event loop (the one the
Temporal client lives on)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest_asyncio

from api.deps import get_temporal
from api.main import create_app
from config.settings import get_settings
from services.temporal import Temporal
from tests.servers import time_skipping


@pytest_asyncio.fixture(scope="session")
async def routes_env():
    """Their own time-skipping server: the workflows these tests leave waiting (cases with timers, whose
    worker is gone after the test) would otherwise hold back the time the workflow tests skip."""
    async with time_skipping() as env:
        yield env


@pytest_asyncio.fixture
async def api(routes_env, store_ready, simulator_url):
    env = routes_env
    from worker import ACTIVITY_THREADS, build_worker

    settings = get_settings()
    app = create_app()
    app.dependency_overrides[get_temporal] = lambda: Temporal(settings, env.client)
    transport = httpx.ASGITransport(app=app)
    with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as executor:
        async with build_worker(env.client, settings.task_queue, executor), httpx.AsyncClient(
                transport=transport, base_url="http://xiufu.test", timeout=60) as client:
            client.app_under_test = app  # type: ignore[attr-defined]
            yield client
