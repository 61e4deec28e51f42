"""The daily sweep's selections and the day's figures. Each selection is a keyset page over an index
(migration 0006), so a sweep over a province's stock reads what it needs, not the table."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

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
    start = datetime.combine(day, time(0), tzinfo=UTC) - timedelta(hours=8)
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
    prompted = 0
    if reminded:
        filed = session.exec(select(RepairCase.record_id, Application.filed_at)
                             .join(Application, Application.id == RepairCase.application_id)
                             .where(col(RepairCase.record_id).in_(list(reminded)))).all()
        window = timedelta(days=follow_up_days)
        prompted = len({rid for rid, at in filed
                        if _aware(reminded[rid]) <= _aware(at) < _aware(reminded[rid]) + window})
    return {
        "day": day.isoformat(),
        "stock": {
            "total": int(session.exec(select(func.count()).select_from(CreditRecord).where(live)).one()),
            "by_kind": grouped(CreditRecord.kind),
            "by_severity": grouped(CreditRecord.severity),
            "by_authority": grouped(CreditRecord.issuer),
            "by_city": {f"{k}00": n for k, n in grouped(city).items()},
        },
        "increment": int(session.exec(select(func.count()).select_from(CreditRecord).where(
            CreditRecord.registered_at >= start, CreditRecord.registered_at < end)).one()),
        "becoming_eligible": int(session.exec(select(func.count()).select_from(CreditRecord).where(
            CreditRecord.state == "published", CreditRecord.eligible_from > day,
            CreditRecord.eligible_from <= day + timedelta(days=window_days))).one()),
        "reminded": int(session.exec(select(func.count()).select_from(SmsMessage).where(
            SmsMessage.purpose == "eligible_soon", SmsMessage.status == "sent", SmsMessage.sweep_day == day)).one()),
        "applied_after_reminder": prompted,
    }


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
