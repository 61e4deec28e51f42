"""Asking the provincial non-tax revenue payment platform (非税收入缴款系统) whether a penalty's fine is paid
(issue 11, obligations fulfilled later): the platform is keyed by the penalty decision's number, our record's
`record_no`. A payment it reports that covers the record's fine marks the obligations fulfilled, as the issuer's
own confirmation does (services/record_life.confirm_obligations), so an application for it asks for no receipt.

国办发〔2025〕22号 encourages authorities to fetch proofs from the systems that hold them rather than ask the
applicant for them. Nothing is stored unless the platform says paid; the platform down or slow is a refusal
(503) and nothing changes, so the applicant can still upload the receipt. Logged with the record id only: a
payer's name is personal data."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from config.settings import Settings
from domain.access import Principal, can_check_payment
from domain.errors import Code, DomainError
from domain.payments import paid_in_full
from services.db import in_session
from store import records as store_records
from store.models import CreditRecord

log = logging.getLogger("xiufu.payments")

SOURCE = "非税收入缴款系统"
CONFIRMED_BY = "payment_platform"  # obligations_confirmed_by of a record the platform's answer confirmed
TIMEOUT_S = 5.0  # each phase of the request (connect, send, read): past it the platform counts as down


class Notice(BaseModel):
    """The platform's payment notice of one decision."""

    decision_no: str
    amount: Decimal
    paid: bool
    paid_on: date | None = None
    payer_name: str = ""


@dataclass(frozen=True)
class PaymentCheck:
    """What a check found. `paid`: a payment covering the record's fine is known (from the platform now, or
    already known before, `asked` False); `amount`: what the platform's notice is for (None: no notice, or not
    asked); `changed`: this check marked the record's obligations fulfilled."""

    record: CreditRecord
    paid: bool
    paid_on: date | None
    amount: Decimal | None
    asked: bool
    changed: bool = False


def _visible(session: Session, principal: Principal, record_id: str) -> CreditRecord:
    row = store_records.get(session, record_id)
    if row is None or not can_check_payment(principal, issuer=row.issuer, subject_key=row.subject_key):
        raise DomainError(Code.NOT_FOUND, "失信信息不存在或无权查看")
    return row


def _mark_paid(session: Session, record_id: str, paid_on: date) -> tuple[CreditRecord, bool]:
    """The record's obligations fulfilled on `paid_on`, as confirm_obligations stores it; a record known
    fulfilled meanwhile (a check at the same time, the issuer's confirmation) is left as it is."""
    row = store_records.get(session, record_id)
    if row is None:  # gone between the read and now: nothing to mark
        raise DomainError(Code.NOT_FOUND, "失信信息不存在或无权查看")
    return row, store_records.confirm_fulfilled(session, row, paid_on, CONFIRMED_BY)


async def _notice(settings: Settings, record_id: str, decision_no: str) -> Notice | None:
    """The platform's notice of the decision, None when it knows none; outside any transaction (a slow
    platform holds no database connection)."""
    url = f"{settings.payments_url.rstrip('/')}/notices/{quote(decision_no, safe='')}"
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_S) as client:
            answer = await client.get(url, headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        log.warning("record %s: payment platform not reached (%s)", record_id, type(exc).__name__)
        raise DomainError(Code.PAYMENT_PLATFORM_UNAVAILABLE) from None
    if answer.status_code == 404:
        return None
    if answer.status_code != 200:
        log.warning("record %s: payment platform answered %d", record_id, answer.status_code)
        raise DomainError(Code.PAYMENT_PLATFORM_UNAVAILABLE)
    try:
        notice = Notice.model_validate_json(answer.content)
    except ValidationError:
        log.warning("record %s: payment platform answered a body it should not", record_id)
        raise DomainError(Code.PAYMENT_PLATFORM_UNAVAILABLE) from None
    if notice.decision_no != decision_no:
        log.warning("record %s: payment platform answered another decision's notice", record_id)
        raise DomainError(Code.PAYMENT_PLATFORM_UNAVAILABLE)
    return notice


def covers(notice: Notice | None, fine: Decimal, today: date) -> bool:
    """The platform's notice read by the rule of domain/payments.py (no notice: nothing paid)."""
    return notice is not None and paid_in_full(paid=notice.paid, amount=notice.amount, paid_on=notice.paid_on,
                                               fine=fine, today=today)


async def confirm_if_paid(settings: Settings, record_id: str, today: date) -> bool:
    """The daily sweep's own question, for a record whose fine the hub does not know to be paid (no caller:
    the platform asks the payment side itself): True when the platform says it is paid in full and the
    record was marked so. The platform down is PAYMENT_PLATFORM_UNAVAILABLE, for the sweep to count."""
    row = await in_session(settings, lambda s: store_records.get(s, record_id))
    if row is None or row.obligations_fulfilled is True or not row.fine_amount:
        return False
    notice = await _notice(settings, record_id, row.record_no)
    if notice is None or notice.paid_on is None or not covers(notice, row.fine_amount, today):
        return False
    paid_on = notice.paid_on
    _, changed = await in_session(settings, lambda s: _mark_paid(s, record_id, paid_on))
    if changed:
        log.info("record %s: the daily sweep found the fine paid on %s", record_id, paid_on)
    return changed


async def check_payment(settings: Settings, principal: Principal, record_id: str, today: date) -> PaymentCheck:
    """Whether the record's fine is paid, asked of the payment platform unless already known. A caller who may
    not see the record learns nothing of it (404, as for one that does not exist); a record with no fine is
    refused (422 NO_FINE); the platform down, slow or answering nonsense is 503 and nothing is stored. Asked
    again after a payment was found, it answers from the record and asks nothing."""
    row = await in_session(settings, lambda s: _visible(s, principal, record_id))
    if row.obligations_fulfilled is True:
        return PaymentCheck(row, paid=True, paid_on=row.obligations_confirmed_on, amount=None, asked=False)
    if not row.fine_amount:
        raise DomainError(Code.NO_FINE)
    fine = row.fine_amount
    notice = await _notice(settings, record_id, row.record_no)
    amount, paid_on = (notice.amount, notice.paid_on) if notice else (None, None)
    if notice is None or paid_on is None or not covers(notice, fine, today):
        found = "no notice" if notice is None else "unpaid" if not notice.paid else "not covering the fine"
        log.info("record %s: payment platform asked, %s", record_id, found)
        return PaymentCheck(row, paid=False, paid_on=None, amount=amount, asked=True)
    row, changed = await in_session(settings, lambda s: _mark_paid(s, record_id, paid_on))
    log.info("record %s: payment platform says paid on %s%s", record_id, paid_on,
             "; obligations marked fulfilled" if changed else "")
    return PaymentCheck(row, paid=True, paid_on=paid_on, amount=amount, asked=True, changed=changed)
