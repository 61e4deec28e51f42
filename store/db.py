"""Engines and sessions for SQLite (the embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

# Up to 40 connections per process: AnyIO runs at most 40 sync routes (and their dependencies) at once, and
# every one may hold a session. A smaller pool lets 40 threads wait for connections that only a 41st thread
# could give back (the dependency's exit runs in the thread pool too): requests then time out, under load.
POOL = {"pool_size": 10, "max_overflow": 30, "pool_timeout": 30}


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **POOL)

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # WAL lets the API read while the worker writes; the busy timeout makes writers queue, not fail.
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # Sessions in UTC whatever the server's own zone: naive times are UTC everywhere in xiufu (domain/clock.py)
    return sa.create_engine(url, pool_pre_ping=True, connect_args={"options": "-c timezone=UTC"}, **POOL)


@lru_cache
def engine_for(url: str) -> Engine:
    return make_engine(url)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error, so no request can leave a
    half-done state behind."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
