"""domain/expected.py: the expected decision day the applicant is told, per the case's state and track."""

from __future__ import annotations

from datetime import date

from config.rules import rules_for
from config.settings import CONFIG_DIR
from domain.expected import expected_decision
from domain.transitions import CaseState

RULES = rules_for(CONFIG_DIR)
CALENDAR = RULES.calendar
PENALTY = RULES.policy.case_limits("penalty")
REMOVAL = RULES.policy.case_limits("abnormal_list_market_regulation")
DUE = date(2026, 12, 8)  # a Tuesday: an acceptance deadline


def test_awaiting_acceptance_the_decision_limit_follows_the_acceptance_deadline():
    expected = expected_decision(CaseState.PENDING_ACCEPTANCE, DUE, False, PENALTY, CALENDAR)
    assert expected is not None and expected.due == CALENDAR.add_workdays(DUE, PENALTY.decision).due


def test_a_removal_counted_from_the_application_adds_only_the_difference():
    expected = expected_decision(CaseState.PENDING_ACCEPTANCE, DUE, False, REMOVAL, CALENDAR)
    assert expected is not None
    assert expected.due == CALENDAR.add_workdays(DUE, REMOVAL.decision - REMOVAL.acceptance).due


def test_under_review_its_own_deadline_and_none_while_the_clock_stands_or_once_decided():
    assert expected_decision(CaseState.UNDER_REVIEW, DUE, True, PENALTY, CALENDAR).due == DUE
    for state in (CaseState.SUPPLEMENT_REQUESTED, CaseState.APPROVED, CaseState.REPAIRED, CaseState.CLOSED):
        assert expected_decision(state, DUE, False, PENALTY, CALENDAR) is None
    assert expected_decision(CaseState.PENDING_ACCEPTANCE, None, False, PENALTY, CALENDAR) is None


def test_an_unknown_or_missing_track_counts_the_general_limits():
    assert RULES.policy.case_limits(None) == RULES.policy.case_limits("gone") == RULES.policy.time_limits.general
