"""破产重整、和解's rules (domain/restructuring.py): the ruling asked for, and an approval that lifts provisionally."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import Code, DomainError
from domain.restructuring import PlanOutcome, RestructuringKind, check_ruling, kind_of, outcome_message, outcome_of
from domain.transitions import DECIDED, TERMINAL, Action, CaseFacts, CaseState, next_state


def _code(call) -> Code:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as err:
        call()
    return err.value.code


def test_the_ruling_is_asked_for_and_not_dated_after_today():
    today = date(2026, 12, 3)
    assert _code(lambda: check_ruling(" ", today, today)) is Code.RULING_REQUIRED
    assert _code(lambda: check_ruling("（2026）苏01破12号", date(2026, 12, 4), today)) is Code.RULED_IN_FUTURE
    check_ruling("（2026）苏01破12号", today, today)
    assert _code(lambda: kind_of("liquidation")) is Code.INVALID_RESTRUCTURING_KIND
    assert _code(lambda: outcome_of("maybe")) is Code.INVALID_OUTCOME


def test_an_approval_lifts_provisionally_and_the_plan_ends_it():
    review = CaseFacts(state=CaseState.UNDER_REVIEW, restructuring=True)
    assert next_state(review, Action.APPROVE) is CaseState.LIFTED
    assert next_state(review, Action.DENY, "裁定书与主体不符") is CaseState.DENIED
    assert CaseState.LIFTED in DECIDED and CaseState.LIFTED not in TERMINAL and CaseState.RESTORED in TERMINAL
    assert next_state(CaseFacts(state=CaseState.UNDER_REVIEW), Action.APPROVE) is CaseState.APPROVED
    settled = outcome_message(RestructuringKind.SETTLEMENT, PlanOutcome.FAILED, "（2026）苏01破3号")
    assert "和解协议未能执行" in settled and "恢复公示" in settled
