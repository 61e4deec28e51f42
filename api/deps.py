"""Dependencies shared by the routes, typed with Annotated so a route reads like its signature."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from api.auth import decode_token
from api.errors import ApiError
from api.temporal import Temporal
from api.throttle import client_of, throttle_for
from config.loader import load_calendar, load_directory, load_policy
from config.settings import Settings, get_settings
from domain.access import Principal
from domain.authorities import Directory
from domain.errors import Code, DomainError
from domain.policy import Policy
from domain.workdays import WorkCalendar
from store.db import engine_for, session_scope


@dataclass(frozen=True)
class Rules:
    """The province's configuration as domain/ values, loaded once per process."""

    policy: Policy
    directory: Directory
    calendar: WorkCalendar


@lru_cache
def rules_for(config_dir: Path) -> Rules:
    return Rules(load_policy(config_dir), load_directory(config_dir), load_calendar(config_dir))


def get_rules(settings: Annotated[Settings, Depends(get_settings)]) -> Rules:
    return rules_for(settings.config_dir)


def get_session(settings: Annotated[Settings, Depends(get_settings)]) -> Iterator[Session]:
    with session_scope(engine_for(settings.db_url)) as session:
        yield session


T = TypeVar("T")


async def in_session(settings: Settings, work: Callable[[Session], T]) -> T:
    """Database work for an async route (one that also awaits Temporal): run in the thread pool in its own
    transaction. Blocking the event loop on the database would stall every other request, and under load
    deadlock against the sync routes that hold the pool's connections."""

    def run() -> T:
        with session_scope(engine_for(settings.db_url)) as session:
            return work(session)

    return await run_in_threadpool(run)


def get_temporal(settings: Annotated[Settings, Depends(get_settings)]) -> Temporal:
    return Temporal(settings)


_bearer = HTTPBearer(auto_error=False)


def current_principal(
    request: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(Code.UNAUTHENTICATED)
    return checked_token(settings, credentials.credentials, client_of(request))


def checked_token(settings: Settings, token: str, client: str) -> Principal:
    """The token's principal; a client that sent too many bad tokens lately is refused first (429), and a
    bad token counts against it."""
    throttle = throttle_for(settings)
    throttle.check(client)
    try:
        return decode_token(settings, token)
    except DomainError:
        throttle.failed(client)
        raise


SettingsDep = Annotated[Settings, Depends(get_settings)]
RulesDep = Annotated[Rules, Depends(get_rules)]
SessionDep = Annotated[Session, Depends(get_session)]
PrincipalDep = Annotated[Principal, Depends(current_principal)]
TemporalDep = Annotated[Temporal, Depends(get_temporal)]
