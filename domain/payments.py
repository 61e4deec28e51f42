"""When a payment the non-tax revenue platform reports fulfils a penalty's fine: the whole fine, paid on a
day that has come (a partial payment does not fulfil the decision; a day after today is the platform's
error, not a payment)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal


def paid_in_full(*, paid: bool, amount: Decimal, paid_on: date | None, fine: Decimal, today: date) -> bool:
    return paid and amount >= fine and paid_on is not None and paid_on <= today


def check_offered(*, fine: Decimal | None, eligible: bool, needs_proof: bool, reasons: list[str],
                  has_open_case: bool) -> bool:
    """Whether the page offers to ask the platform about a record's fine: a fine whose payment would spare
    the applicant a receipt (a selectable record asking a proof), or would make the record selectable (one
    refused only for its unpaid fine)."""
    if not fine or has_open_case:
        return False
    return needs_proof if eligible else reasons == ["OBLIGATIONS_UNFULFILLED"]
