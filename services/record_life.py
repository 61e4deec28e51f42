"""What happens to a record after registration, as its issuer tells it (issue 11, a record's whole life).
Today: the obligations confirmed fulfilled later (a fine paid after the decision was published), so an
application for it asks for no proof and the eligibility rule stops naming unpaid obligations. Idempotent:
the confirmation sent again answers the record as it is, and only the issuer (or the admin) may send it."""

from __future__ import annotations

import logging
from datetime import date

from sqlmodel import Session

from domain.access import Principal, can_register_record
from domain.errors import Code, DomainError
from store import records as store_records
from store.models import CreditRecord

log = logging.getLogger("xiufu.intake")


def confirm_obligations(session: Session, principal: Principal, record_id: str, fulfilled_on: date,
                        today: date) -> tuple[CreditRecord, bool]:
    """The record and whether this call changed it. Another issuer's integrator learns nothing of the record
    (404, as for a record that does not exist); a day after today is refused, and nothing is stored."""
    row = store_records.get(session, record_id)
    if row is None or not can_register_record(principal, row.issuer):
        raise DomainError(Code.NOT_FOUND, "失信信息不存在或无权操作")
    if fulfilled_on > today:
        raise DomainError(Code.FULFILLED_IN_FUTURE)
    if row.obligations_fulfilled is True:
        return row, False
    row.obligations_fulfilled = True
    row.obligations_confirmed_on = fulfilled_on
    row.obligations_confirmed_by = principal.sub
    session.add(row)
    session.flush()
    log.info("record %s: obligations confirmed fulfilled on %s by %s", row.id, fulfilled_on, principal.role.value)
    return row, True
