"""Reads and writes of credit records: the intake side of the hub."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from domain.eligibility import Eligibility, eligibility
from domain.model import RecordState
from store.models import CreditRecord, RecordDelivery, RecordVersion


def find_by_key(session: Session, issuer: str, record_no: str) -> CreditRecord | None:
    return session.exec(
        select(CreditRecord).where(CreditRecord.issuer == issuer, CreditRecord.record_no == record_no)
    ).first()


def insert_once(session: Session, record: CreditRecord) -> tuple[CreditRecord, bool]:
    """Registers a record unless (issuer, record_no) exists; answers the stored row and whether it is new.

    The unique constraint, not a prior read, decides: two integrators sending the same record at the same
    moment get one row, and the loser reads the winner's.
    """
    existing = find_by_key(session, record.issuer, record.record_no)
    if existing is not None:
        return existing, False
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        existing = find_by_key(session, record.issuer, record.record_no)
        if existing is None:
            raise
        return existing, False
    return record, True


def get(session: Session, record_id: str, for_update: bool = False) -> CreditRecord | None:
    """`for_update`: the row locked until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    return session.get(CreditRecord, record_id, with_for_update=for_update)


def versions_of(session: Session, record_id: str) -> list[RecordVersion]:
    """A record's corrections, oldest first."""
    return list(session.exec(select(RecordVersion).where(RecordVersion.record_id == record_id)
                             .order_by(RecordVersion.version)))  # type: ignore[arg-type]


def versions_made_by(session: Session, case_ids: Sequence[str]) -> dict[str, RecordVersion]:
    """The versions objections made (异议申诉 upheld by a correction), by the objection's case."""
    if not case_ids:
        return {}
    rows = session.exec(select(RecordVersion).where(RecordVersion.case_id.in_(case_ids)))  # type: ignore[union-attr]
    return {v.case_id: v for v in rows if v.case_id}


def of_subject(session: Session, subject_key: str) -> list[CreditRecord]:
    return list(
        session.exec(
            select(CreditRecord)
            .where(CreditRecord.subject_key == subject_key)
            .order_by(CreditRecord.decided_on.desc(), CreditRecord.id)  # type: ignore[attr-defined]
        )
    )


def eligibility_of(row: CreditRecord, today: date) -> Eligibility:
    """domain/eligibility's answer for a stored record: one reading of the row's fields, for the filing
    (which refuses) and the pages and API (which show the reasons)."""
    return eligibility(today=today, state=RecordState(row.state), eligible_from=row.eligible_from,
                       max_publicity_end=row.max_publicity_end, repairable=row.repairable,
                       has_open_case=row.open_case_id is not None, obligations_fulfilled=row.obligations_fulfilled,
                       penalised_again_on=row.penalised_again_on)


def deliveries_of(session: Session, record_id: str, action: str = "withdraw") -> list[RecordDelivery]:
    """The sites' acknowledgements of a delivery about the record itself, in the order they came."""
    return list(session.exec(select(RecordDelivery).where(RecordDelivery.record_id == record_id,
                                                          RecordDelivery.action == action)
                             .order_by(RecordDelivery.acknowledged_at)))  # type: ignore[arg-type]


def unpaid_fines(session: Session, after_id: str | None, limit: int) -> list[CreditRecord]:
    """Published penalties with a fine the hub does not know to be paid, by id: what the daily sweep asks the
    payment platform about."""
    query = select(CreditRecord).where(
        CreditRecord.kind == "penalty", CreditRecord.fine_amount.is_not(None),  # type: ignore[union-attr]
        sa.or_(CreditRecord.obligations_fulfilled.is_(None),  # type: ignore[union-attr]
               CreditRecord.obligations_fulfilled.is_(False)),  # type: ignore[union-attr]
        CreditRecord.state == RecordState.PUBLISHED.value)
    if after_id:
        query = query.where(CreditRecord.id > after_id)
    return list(session.exec(query.order_by(CreditRecord.id).limit(limit)))  # type: ignore[arg-type]


def confirm_fulfilled(session: Session, row: CreditRecord, on: date, by: str) -> bool:
    """The record's obligations fulfilled on `on`, as `by` says (the issuer's caller, or "payment_platform");
    False, and nothing changed, when they were known fulfilled already."""
    if row.obligations_fulfilled is True:
        return False
    row.obligations_fulfilled, row.obligations_confirmed_on, row.obligations_confirmed_by = True, on, by
    session.add(row)
    session.flush()
    return True


def keep_delivery(session: Session, delivery: RecordDelivery) -> None:
    """A site's acknowledgement of a delivery about the record itself, kept once (a retry keeps the first)."""
    if session.get(RecordDelivery, delivery.id) is None:
        session.add(delivery)
