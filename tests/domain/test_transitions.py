from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.transitions import TERMINAL, Action, CaseFacts, CaseState, allowed_actions, next_state


def test_happy_path():
    s = next_state(CaseFacts(CaseState.PENDING_ACCEPTANCE), Action.ACCEPT)
    assert s is CaseState.UNDER_REVIEW
    assert next_state(CaseFacts(s), Action.APPROVE) is CaseState.APPROVED


def test_supplement_round_trip_returns_where_it_left():
    s = next_state(CaseFacts(CaseState.UNDER_REVIEW), Action.REQUEST_SUPPLEMENT, "缺少罚款缴纳凭证")
    assert s is CaseState.SUPPLEMENT_REQUESTED
    back = next_state(CaseFacts(s, resume_state=CaseState.UNDER_REVIEW), Action.SUPPLEMENT)
    assert back is CaseState.UNDER_REVIEW


def test_refusals_carry_stable_codes():
    with pytest.raises(DomainError) as e:
        next_state(CaseFacts(CaseState.PENDING_ACCEPTANCE), Action.APPROVE)
    assert e.value.code == "ACTION_NOT_ALLOWED"
    with pytest.raises(DomainError) as e:
        next_state(CaseFacts(CaseState.UNDER_REVIEW), Action.SHIELD, "超期")
    assert e.value.code == "NOT_OVERDUE"
    with pytest.raises(DomainError) as e:
        next_state(CaseFacts(CaseState.UNDER_REVIEW, extensions_used=1), Action.EXTEND, "需要核查")
    assert e.value.code == "EXTENSION_USED"
    with pytest.raises(DomainError) as e:
        next_state(CaseFacts(CaseState.UNDER_REVIEW), Action.DENY, "  ")
    assert e.value.code == "REASON_REQUIRED"
    with pytest.raises(DomainError) as e:
        next_state(CaseFacts(CaseState.DENIED), Action.WITHDRAW)
    assert e.value.code == "CASE_DECIDED"


def test_shield_only_when_overdue_and_once():
    facts = CaseFacts(CaseState.UNDER_REVIEW, overdue=True)
    assert next_state(facts, Action.SHIELD, "超期未决，暂时屏蔽") is CaseState.UNDER_REVIEW
    assert Action.SHIELD not in allowed_actions(CaseFacts(CaseState.UNDER_REVIEW, overdue=True, shielded=True))


@given(st.sampled_from(list(CaseState)), st.sampled_from(list(Action)), st.booleans())
def test_terminal_states_accept_nothing(state, action, overdue):
    facts = CaseFacts(state, overdue=overdue)
    if state in TERMINAL:
        assert allowed_actions(facts) == frozenset()
        with pytest.raises(DomainError):
            next_state(facts, action, "理由")
    elif action in allowed_actions(facts):
        assert isinstance(next_state(facts, action, "理由"), CaseState)
