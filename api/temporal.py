"""The API's Temporal client: one per process, made with the project's one data converter."""

from __future__ import annotations

import asyncio

from temporalio.client import Client

from config.settings import Settings
from config.temporal import connect

_client: Client | None = None
_lock = asyncio.Lock()


async def get_client(settings: Settings) -> Client:
    global _client
    async with _lock:
        if _client is None:
            _client = await connect(settings)
    return _client


async def temporal_reachable(settings: Settings) -> bool:
    try:
        client = await asyncio.wait_for(get_client(settings), timeout=3)
        await asyncio.wait_for(client.service_client.check_health(), timeout=3)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable" for the health page
        return False
