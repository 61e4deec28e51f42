"""Rules moved into domain/ by the review: a payment that fulfils a fine, when the page offers to ask about
one, and the day a record counts as penalised again (令第45号 第十四条)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.eligibility import penalised_again
from domain.payments import check_offered, paid_in_full

TODAY = date(2026, 12, 3)


def test_only_the_whole_fine_paid_on_a_day_that_has_come_fulfils_it():
    fine = Decimal("5000.00")
    assert paid_in_full(paid=True, amount=fine, paid_on=TODAY, fine=fine, today=TODAY)
    assert not paid_in_full(paid=True, amount=Decimal("4999.99"), paid_on=TODAY, fine=fine, today=TODAY)
    assert not paid_in_full(paid=True, amount=fine, paid_on=date(2026, 12, 4), fine=fine, today=TODAY)
    assert not paid_in_full(paid=True, amount=fine, paid_on=None, fine=fine, today=TODAY)
    assert not paid_in_full(paid=False, amount=fine, paid_on=TODAY, fine=fine, today=TODAY)


def test_the_check_is_offered_where_a_payment_would_spare_a_receipt_or_open_the_record():
    fine = Decimal("100")
    assert check_offered(fine=fine, eligible=True, needs_proof=True, reasons=[], has_open_case=False)
    assert not check_offered(fine=fine, eligible=True, needs_proof=False, reasons=[], has_open_case=False)
    assert check_offered(fine=fine, eligible=False, needs_proof=True, reasons=["OBLIGATIONS_UNFULFILLED"],
                         has_open_case=False)
    assert not check_offered(fine=fine, eligible=False, needs_proof=True,
                             reasons=["OBLIGATIONS_UNFULFILLED", "MIN_PERIOD_NOT_OVER"], has_open_case=False)
    assert not check_offered(fine=None, eligible=True, needs_proof=True, reasons=[], has_open_case=False)
    assert not check_offered(fine=fine, eligible=True, needs_proof=True, reasons=[], has_open_case=True)


def test_penalised_again_within_the_period_only_keeping_the_earliest_day():
    period = {"decided_on": date(2026, 3, 10), "max_publicity_end": date(2027, 3, 10)}
    assert penalised_again(None, later=date(2026, 6, 1), **period) == date(2026, 6, 1)
    assert penalised_again(date(2026, 5, 1), later=date(2026, 6, 1), **period) == date(2026, 5, 1)
    assert penalised_again(date(2026, 7, 1), later=date(2026, 6, 1), **period) == date(2026, 6, 1)
    for outside in (date(2026, 3, 10), date(2026, 1, 1), date(2027, 3, 11)):
        assert penalised_again(None, later=outside, **period) is None
