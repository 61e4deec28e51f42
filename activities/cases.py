"""Activities that write a case's projection into the hub's store. Each is idempotent: a retry after a
crash finds its work done and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity

from activities.decisions import number_of
from activities.shared import transaction
from config.settings import get_settings
from contracts.case import CaseSnapshot, OverdueNotice, PlanOutcomeInput
from domain.transitions import DECIDING_ACTIONS, CaseState
from store import cases as store_cases
from store.models import Notification

# the record freed for a new application (a closed case's record is withdrawn: it stays so); an objection kept
# or corrected leaves the record published, free to be repaired
RELEASED = {CaseState.NOT_ACCEPTED, CaseState.DENIED, CaseState.WITHDRAWN, CaseState.CLOSED, CaseState.KEPT,
            CaseState.CORRECTED, CaseState.RESTORED}


@activity.defn
def project_case(snapshot: CaseSnapshot) -> None:
    if snapshot.state in (CaseState.APPROVED, CaseState.SYNCING, CaseState.REPAIRED):
        effect: str | None = "repaired"
    elif snapshot.state in RELEASED:
        effect = "released"
    elif snapshot.state is CaseState.LIFTED:
        effect = "lifted"
    elif snapshot.shielded:
        effect = "shielded"
    else:
        effect = None
    deadline = snapshot.deadline
    with transaction() as session:
        store_cases.project_case(
            session,
            case_id=snapshot.case_id,
            record_id=snapshot.record_id,
            state=snapshot.state.value,
            deadline_kind=deadline.kind if deadline else None,
            deadline=deadline.due if deadline else None,
            provisional=deadline.provisional if deadline else False,
            overdue=snapshot.overdue,
            shielded=snapshot.shielded,
            extensions_used=snapshot.extensions_used,
            events=[e.model_dump(mode="python") for e in snapshot.events],
            record_effect=effect,
            now=datetime.now(UTC),
            handled_in=snapshot.handled_in,
        )
        case = store_cases.get_case(session, snapshot.case_id)
    approvals = [e for e in snapshot.events if e.action in DECIDING_ACTIONS]
    if approvals and case is not None:
        # the decision's number taken with the approval's projection (an objection's with its outcome),
        # before the Update answers: numbers follow the order of decisions (a retried projection finds its
        # number taken)
        number_of(get_settings(), case, approvals[-1].at)


@activity.defn
def notify_overdue(notice: OverdueNotice) -> None:
    """A missed deadline is told to the supervisors of the handler's city (and the province's); it never
    decides the case."""
    city = notice.handler_region[:4] + "00"
    message = f"事项 {notice.case_id}（{notice.handler}）已超过办理时限（{notice.due:%Y-%m-%d}），请督办"
    with transaction() as session:
        for scope in sorted({city, "320000"}):
            store_cases.notify_once(session, Notification(
                id=f"overdue:{notice.case_id}:{notice.due}:{scope}", recipient_role="supervisor",
                recipient_scope=scope, case_id=notice.case_id, message=message, created_at=notice.at,
            ))
    activity.logger.warning("case %s overdue since %s, supervisors of %s notified", notice.case_id, notice.due, city)


@activity.defn
def record_plan_outcome(plan: PlanOutcomeInput) -> None:
    """How the court said a restructuring plan ended, kept with the restructuring once (the first word stands)."""
    with transaction() as session:
        store_cases.record_plan_outcome(session, plan.application_id, outcome=plan.outcome, ruling_no=plan.ruling_no,
                                        ruled_on=plan.ruled_on, by=plan.actor, at=datetime.now(UTC))


@activity.defn
def close_application(application_id: str) -> None:
    with transaction() as session:
        store_cases.close_application(session, application_id)
