"""Database work for the services that also await Temporal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from anyio import to_thread
from sqlmodel import Session

from config.settings import Settings
from store.db import engine_for, session_scope

T = TypeVar("T")


async def in_session(settings: Settings, work: Callable[[Session], T]) -> T:
    """Run in the thread pool in its own transaction (the one AnyIO pool the web server's sync routes use
    too). Blocking the event loop on the database would stall every other request, and under load deadlock
    against the sync routes that hold the pool's connections."""

    def run() -> T:
        with session_scope(engine_for(settings.db_url)) as session:
            return work(session)

    return await to_thread.run_sync(run)
