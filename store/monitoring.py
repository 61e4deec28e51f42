"""The daily sweep's selections and the day's figures. Each selection is a keyset page over an index
(migration 0006), so a sweep over a province's stock reads what it needs, not the table."""

from __future__ import annotations

# The `type: ignore`s below are where SQLModel's stubs type a column as its Python value (a str, a datetime)
# rather than a column expression, so mypy cannot follow `.in_`, `.startswith`, joins and order_by on them.
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from domain.clock import start_of_day
from store.models import Application, CreditRecord, DailyFigure, RepairCase, SmsMessage

IN_PUBLICITY = ("published", "shielded")


def due_for_reminder(session: Session, day: date, window_days: int, after: tuple[date, str] | None,
                     limit: int) -> list[tuple[date, str]]:
    """(eligible_from, id) of records in publicity that become eligible after `day` and within the window,
    with a phone to remind, after the cursor."""
    q = select(CreditRecord.eligible_from, CreditRecord.id).where(
        CreditRecord.state == "published", CreditRecord.eligible_from > day,
        CreditRecord.eligible_from <= day + timedelta(days=window_days),
        col(CreditRecord.contact_phone).is_not(None), CreditRecord.repairable == sa.true())
    if after is not None:
        q = q.where(sa.tuple_(CreditRecord.eligible_from, CreditRecord.id) > sa.tuple_(*after))
    q = q.order_by(CreditRecord.eligible_from, CreditRecord.id).limit(limit)
    return [(d, i) for d, i in session.exec(q)]


def past_maximum(session: Session, day: date, after: tuple[date, str] | None, limit: int) -> list[CreditRecord]:
    """Records still published (or shielded) whose maximum publicity period ended before `day`, after the
    cursor. One query a state, so each walks the (state, max_publicity_end, id) index in order instead of
    every record ever past its maximum (most of a mature table)."""
    found: list[CreditRecord] = []
    for state in IN_PUBLICITY:
        q = select(CreditRecord).where(CreditRecord.state == state, CreditRecord.max_publicity_end < day)
        if after is not None:
            q = q.where(sa.tuple_(CreditRecord.max_publicity_end, CreditRecord.id) > sa.tuple_(*after))
        found += session.exec(q.order_by(CreditRecord.max_publicity_end, CreditRecord.id).limit(limit))
    return sorted(found, key=lambda r: (r.max_publicity_end, r.id))[:limit]


def mark_unpublished(session: Session, record_id: str) -> None:
    session.execute(sa.update(CreditRecord).where(
        CreditRecord.id == record_id, col(CreditRecord.state).in_(IN_PUBLICITY)).values(state="unpublished"))


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """A Beijing calendar day as UTC instants (the store keeps UTC)."""
    start = start_of_day(day).astimezone(UTC)
    return start, start + timedelta(days=1)


def figures(session: Session, day: date, window_days: int, follow_up_days: int) -> dict[str, Any]:
    """Stock in publicity by kind, severity, authority and city; the day's increment; records becoming
    eligible within the window; reminders sent that day; and applications filed within `follow_up_days`
    of a reminder (over the reminders of the last `follow_up_days`)."""
    live = sa.and_(col(CreditRecord.state).in_(IN_PUBLICITY), CreditRecord.max_publicity_end >= day)

    def grouped(column: Any) -> dict[str, int]:
        rows = session.exec(select(column, func.count()).where(live).group_by(column))  # type: ignore[call-overload]
        return {str(k): int(n) for k, n in rows}

    start, end = _day_bounds(day)
    city = func.substr(CreditRecord.issuer, 1, 4)
    reminded_since = _day_bounds(day - timedelta(days=follow_up_days - 1))[0]
    reminded = dict(session.exec(select(SmsMessage.record_id, SmsMessage.sent_at).where(
        SmsMessage.purpose == "eligible_soon", SmsMessage.status == "sent",
        col(SmsMessage.sent_at) >= reminded_since, col(SmsMessage.sent_at) < end)).all())
    prompted, prompted_ids = 0, set()
    if reminded:
        filed = session.exec(select(RepairCase.record_id, Application.filed_at)
                             .join(Application, Application.id == RepairCase.application_id)
                             .where(col(RepairCase.record_id).in_(list(reminded)))).all()
        window = timedelta(days=follow_up_days)
        prompted_ids = {rid for rid, at in filed
                        if _aware(reminded[rid]) <= _aware(at) < _aware(reminded[rid]) + window}
        prompted = len(prompted_ids)
    increment_where = sa.and_(CreditRecord.registered_at >= start, CreditRecord.registered_at < end)
    eligible_where = sa.and_(CreditRecord.state == "published", CreditRecord.eligible_from > day,
                             CreditRecord.eligible_from <= day + timedelta(days=window_days))
    reminded_where = sa.and_(SmsMessage.purpose == "eligible_soon", SmsMessage.status == "sent",
                             SmsMessage.sweep_day == day)
    return {
        "day": day.isoformat(),
        "per_authority": _per_authority(session, live, increment_where, eligible_where, reminded_where,
                                        prompted_ids),
        "stock": {
            "total": int(session.exec(select(func.count()).select_from(CreditRecord).where(live)).one()),
            "by_kind": grouped(CreditRecord.kind),
            "by_severity": grouped(CreditRecord.severity),
            "by_authority": grouped(CreditRecord.issuer),
            "by_city": {f"{k}00": n for k, n in grouped(city).items()},
        },
        "increment": int(session.exec(select(func.count()).select_from(CreditRecord).where(increment_where)).one()),
        "becoming_eligible": int(session.exec(select(func.count()).select_from(CreditRecord)
                                              .where(eligible_where)).one()),
        "reminded": int(session.exec(select(func.count()).select_from(SmsMessage).where(reminded_where)).one()),
        "applied_after_reminder": prompted,
    }


def _per_authority(session: Session, live: Any, increment: Any, eligible: Any, reminded: Any,
                   prompted_ids: set[str]) -> dict[str, dict[str, Any]]:
    """The same figures per issuing authority, so that a supervisor's region (any prefix of the authority
    codes) can be answered from the day's snapshot alone (domain/monitoring.figures_within)."""
    out: dict[str, dict[str, Any]] = {}

    def slot(issuer: str) -> dict[str, Any]:
        return out.setdefault(issuer, {"stock": 0, "by_kind": {}, "by_severity": {}, "increment": 0,
                                       "becoming_eligible": 0, "reminded": 0, "applied_after_reminder": 0})

    for issuer, kind, severity, n in session.exec(  # type: ignore[call-overload]
            select(CreditRecord.issuer, CreditRecord.kind, CreditRecord.severity, func.count()).where(live)
            .group_by(CreditRecord.issuer, CreditRecord.kind, CreditRecord.severity)):
        s = slot(issuer)
        s["stock"] += int(n)
        s["by_kind"][kind] = s["by_kind"].get(kind, 0) + int(n)
        s["by_severity"][severity] = s["by_severity"].get(severity, 0) + int(n)
    for name, where in (("increment", increment), ("becoming_eligible", eligible)):
        for issuer, n in session.exec(  # type: ignore[call-overload]
                select(CreditRecord.issuer, func.count()).where(where).group_by(CreditRecord.issuer)):
            slot(issuer)[name] = int(n)
    for issuer, n in session.exec(  # type: ignore[call-overload]
            select(CreditRecord.issuer, func.count()).join(SmsMessage, SmsMessage.record_id == CreditRecord.id)
            .where(reminded).group_by(CreditRecord.issuer)):
        slot(issuer)["reminded"] = int(n)
    if prompted_ids:
        for issuer, n in session.exec(  # type: ignore[call-overload]
                select(CreditRecord.issuer, func.count()).where(col(CreditRecord.id).in_(list(prompted_ids)))
                .group_by(CreditRecord.issuer)):
            slot(issuer)["applied_after_reminder"] = int(n)
    return out


def issuers_of(session: Session, record_ids: list[str]) -> dict[str, str]:
    if not record_ids:
        return {}
    return dict(session.exec(select(CreditRecord.id, CreditRecord.issuer)  # type: ignore[arg-type]
                             .where(col(CreditRecord.id).in_(record_ids))).all())


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite gives naive UTC back


def save_figures(session: Session, day: date, values: dict[str, Any], now: datetime) -> None:
    row = session.get(DailyFigure, day)
    if row is None:
        session.add(DailyFigure(day=day, figures=values, computed_at=now))
    else:
        row.figures, row.computed_at = values, now
        session.add(row)


def get_figures(session: Session, day: date) -> DailyFigure | None:
    return session.get(DailyFigure, day)
