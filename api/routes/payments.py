"""Whether a record's fine is paid, asked of the provincial non-tax revenue payment platform (非税收入缴款系统,
services/payments.py): a payment covering the fine marks the record's obligations fulfilled, so an application
for it asks for no receipt."""

from __future__ import annotations

from fastapi import APIRouter

from api import clock
from api.deps import PrincipalDep, RulesDep, SettingsDep
from api.errors import refusals
from api.present import record_public
from api.schemas import PaymentCheckPublic
from config.rules import Rules
from domain.errors import Code
from services import payments

router = APIRouter(prefix="/api/v1", tags=["payments"])


def payment_check_public(found: payments.PaymentCheck, rules: Rules) -> PaymentCheckPublic:
    return PaymentCheckPublic(record=record_public(found.record, rules, clock.today()), paid=found.paid,
                              paid_on=found.paid_on, amount=found.amount, source=payments.SOURCE)


@router.post("/records/{record_id}/payment-check", response_model=PaymentCheckPublic, responses=refusals(
    Code.NOT_FOUND, Code.NO_FINE, Code.PAYMENT_PLATFORM_UNAVAILABLE, write=True))
async def check_payment(record_id: str, principal: PrincipalDep, rules: RulesDep,
                        settings: SettingsDep) -> PaymentCheckPublic:
    """Asks the payment platform, by the penalty decision's number (the record's `record_no`), whether the
    record's fine is paid: the subject, a counter, the issuer's integrator and caseworkers, the admin (others
    404). A payment of the whole fine marks the obligations fulfilled on its day (`obligations_confirmed_on`;
    `needs_proof` false); unpaid, partly paid or unknown to the platform answers `paid: false` and changes
    nothing. A record already known fulfilled is answered without asking; one with no fine is 422 `NO_FINE`;
    the platform down or slow (5 s) is 503 `PAYMENT_PLATFORM_UNAVAILABLE` and nothing changes (the receipt
    can still be uploaded). No body; sent again, it changes nothing more."""
    found = await payments.check_payment(settings, principal, record_id, clock.today())
    return payment_check_public(found, rules)
