"""The latest day a case's repair should be decided, as the applicant is told it in plain words (the
progress page, the counter's page, the receipt): one rule, computed from what the case's workflow counts."""

from __future__ import annotations

from datetime import date

from domain.tracks import DecisionFrom, TrackLimits
from domain.transitions import CaseState
from domain.workdays import Deadline, WorkCalendar


def expected_decision(state: CaseState, deadline: date | None, provisional: bool, limits: TrackLimits,
                      calendar: WorkCalendar) -> Deadline | None:
    """Awaiting acceptance: the acceptance deadline plus the decision limit (the decision counts from the
    acceptance, at the latest that day), or, where the track counts the decision from the application (a
    removal from the abnormal list), the filing day plus the limit: the acceptance deadline plus the
    difference, the same working day. Under review: its own deadline (an extension already in it). None while
    the clock stands (a supplement awaited: it restarts with the answer) and once decided."""
    if deadline is None:
        return None
    if state is CaseState.UNDER_REVIEW:
        return Deadline(deadline, provisional)
    if state is CaseState.PENDING_ACCEPTANCE:
        more = (max(limits.decision - limits.acceptance, 0) if limits.decision_from == DecisionFrom.APPLICATION
                else limits.decision)
        later = calendar.add_workdays(deadline, more)
        return Deadline(later.due, later.provisional or provisional)
    return None
