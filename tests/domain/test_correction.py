"""domain/correction.py: what a correction changes, as (old, new) pairs, amounts compared as amounts."""

from __future__ import annotations

import pytest

from domain.correction import changes
from domain.errors import Code, DomainError

NOW = {"subject_name": "江苏某某有限公司", "fine_amount": "5000.00", "summary": None}


def test_only_what_differs_is_a_change_and_amounts_compare_as_amounts():
    assert changes(NOW, {"fine_amount": "3000", "subject_name": "江苏某某有限公司"}) == {
        "fine_amount": ("5000.00", "3000.00")}
    assert changes(NOW, {"summary": "逾期未报送年报"}) == {"summary": (None, "逾期未报送年报")}
    assert changes(NOW, {"fine_amount": None}) == {"fine_amount": ("5000.00", None)}


@pytest.mark.parametrize(("asked", "code"), [
    ({"fine_amount": "5000"}, Code.NOTHING_TO_CORRECT),
    ({"summary": ""}, Code.NOTHING_TO_CORRECT),
    ({"decided_on": "2026-01-01"}, Code.NOT_CORRECTABLE),
    ({"fine_amount": "0"}, Code.INVALID_FINE_AMOUNT),
    ({"fine_amount": "12.345"}, Code.INVALID_FINE_AMOUNT),
    ({"fine_amount": "五千"}, Code.INVALID_FINE_AMOUNT),
])
def test_refusals(asked, code):
    with pytest.raises(DomainError) as err:
        changes(NOW, asked)
    assert err.value.code is code

