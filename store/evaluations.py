"""Service evaluations (好差评): kept once per application and handling authority, counted per authority."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from domain.evaluation import Rating
from store.models import Evaluation, Notification


class AlreadyRated(Exception):
    """The application's handling by this authority has been rated before."""


def add(session: Session, evaluation: Evaluation, notifications: Sequence[Notification] = ()) -> None:
    """Writes the rating and its follow-up notifications in one transaction. The unique constraint on
    (application, handler) decides between two ratings sent at the same moment: the second raises (and
    the caller's transaction is rolled back)."""
    taken = session.exec(select(Evaluation.id).where(Evaluation.application_id == evaluation.application_id,
                                                     Evaluation.handler == evaluation.handler)).first()
    if taken is not None:
        raise AlreadyRated(evaluation.application_id)
    session.add(evaluation)
    try:
        session.flush()
    except IntegrityError:
        raise AlreadyRated(evaluation.application_id) from None
    for notification in notifications:
        if session.get(Notification, notification.id) is None:
            session.add(notification)
    session.flush()


def of_application(session: Session, application_id: str) -> list[Evaluation]:
    return list(session.exec(select(Evaluation).where(Evaluation.application_id == application_id)
                             .order_by(Evaluation.rated_at)))


def _scoped(q, region_prefix: str | None, authority: str | None):  # type: ignore[no-untyped-def]
    if region_prefix is not None:
        q = q.where(col(Evaluation.handler_region).startswith(region_prefix))
    if authority is not None:
        q = q.where(Evaluation.handler == authority)
    return q


def counts(session: Session, *, region_prefix: str | None = None,
           authority: str | None = None) -> dict[str, dict[int, int]]:
    """{handler: {rating: count}} over the scope, counted by the database."""
    q = _scoped(select(Evaluation.handler, Evaluation.rating, func.count()), region_prefix, authority)
    out: dict[str, dict[int, int]] = {}
    for handler, rating, n in session.exec(q.group_by(Evaluation.handler, Evaluation.rating)):
        out.setdefault(handler, {})[int(rating)] = int(n)
    return out


def recent(session: Session, *, region_prefix: str | None = None, authority: str | None = None,
           limit: int = 100) -> list[Evaluation]:
    """The newest ratings of the scope, the bad ones first (they wait for a follow-up)."""
    q = _scoped(select(Evaluation), region_prefix, authority)
    bad_first = sa.case((col(Evaluation.rating) <= int(Rating.DISSATISFIED), 0), else_=1)
    return list(session.exec(q.order_by(bad_first, col(Evaluation.rated_at).desc()).limit(limit)))
