"""Page sessions ended before their time (logout): the one piece of session state the store keeps."""

from __future__ import annotations

# The `type: ignore`s below are where SQLModel's stubs type a column as its Python value (a str, a datetime)
# rather than a column expression, so mypy cannot follow `.in_`, `.startswith`, joins and order_by on them.
from datetime import datetime

from sqlmodel import Session, col, delete

from store.models import RevokedSession


def revoke(session: Session, jti: str, expires_at: datetime, now: datetime) -> None:
    """Idempotent (a second logout of the same session changes nothing); purges the rows whose tokens have
    expired anyway, so the table holds at most one token lifetime of logouts."""
    session.exec(delete(RevokedSession).where(col(RevokedSession.expires_at) < now))  # type: ignore[call-overload]
    if session.get(RevokedSession, jti) is None:
        session.add(RevokedSession(jti=jti, expires_at=expires_at))


def is_revoked(session: Session, jti: str) -> bool:
    return session.get(RevokedSession, jti) is not None
