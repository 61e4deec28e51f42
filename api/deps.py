"""Dependencies shared by the routes, typed with Annotated so a route reads like its signature."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from api.auth import decode_token
from api.errors import ApiError
from api.throttle import client_of, throttle_for
from config.rules import Rules, rules_for
from config.settings import Settings, get_settings
from domain.access import Principal
from domain.errors import Code, DomainError
from services.temporal import Temporal
from store.db import engine_for, session_scope


def get_rules(settings: Annotated[Settings, Depends(get_settings)]) -> Rules:
    return rules_for(settings.config_dir)


def get_session(settings: Annotated[Settings, Depends(get_settings)]) -> Iterator[Session]:
    with session_scope(engine_for(settings.db_url)) as session:
        yield session


T = TypeVar("T")


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
