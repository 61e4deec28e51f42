"""好差评: the applicant (or the counter that filed for them) rates each authority that handled the
application, once, after every case has ended. GB/T 39735: 不满意 or worse needs a comment, and a bad
review is sent to the supervisors of the handler's city for follow-up (差评整改) within
`time_limits.bad_review_follow_up` working days."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Session

from config.rules import Rules
from domain.access import Principal, can_rate
from domain.errors import Code, DomainError
from domain.evaluation import RATING_LABELS, check_evaluation, follow_up_due, is_bad
from domain.model import Role
from domain.transitions import TERMINAL, CaseState
from services.visibility import visible_application
from store import cases as store_cases
from store import evaluations as store_evaluations
from store.models import Evaluation, Notification, RepairCase


def finished(cases: list[RepairCase]) -> bool:
    return bool(cases) and all(CaseState(c.state) in TERMINAL for c in cases)


def handlers_that_acted(session: Session, cases: list[RepairCase]) -> list[str]:
    """The authorities the applicant can rate, in the order of the cases: each one that handled a case. A
    case withdrawn before its authority did anything (no caseworker's event) was handled by no one, and
    asking to rate that authority would ask for an opinion about nothing; so is a case closed because its
    record was withdrawn before the authority acted on it."""
    ended = {CaseState.WITHDRAWN, CaseState.CLOSED}
    idle = [c.id for c in cases if c.state in ended]
    acted = {e.case_id for e in store_cases.events_of(session, idle)
             if e.actor_role in (Role.CASEWORKER, Role.HANDLING_SYSTEM)}
    return list(dict.fromkeys(c.handler for c in cases if c.state not in ended or c.id in acted))


def rate(session: Session, rules: Rules, principal: Principal, application_id: str, *, handler: str,
         rating: int, comment: str, now: datetime, today: date) -> Evaluation:
    """The rating kept (with its supervisors' notices when it is bad), or the refusal."""
    app, cases = visible_application(session, principal, application_id)
    if not can_rate(principal):
        raise DomainError(Code.FORBIDDEN, "只有申请人可以评价办理服务")
    if handler not in handlers_that_acted(session, cases):
        raise DomainError(Code.UNKNOWN_HANDLER, handler=handler)
    handled = [c for c in cases if c.handler == handler]
    if not finished(cases):
        raise DomainError(Code.NOT_FINISHED)
    level, text = check_evaluation(rating, comment)
    region = handled[0].handler_region
    due = follow_up_due(today, rules.calendar, rules.policy.time_limits.bad_review_follow_up).due if is_bad(
        level) else None
    row = Evaluation(id="ev_" + uuid.uuid4().hex[:20], application_id=app.id, handler=handler,
                     handler_region=region, rating=int(level), comment=text, rated_by=principal.sub,
                     rated_by_role=principal.role.value, rated_at=now, follow_up_due=due)
    notices = []
    if due is not None:
        city = rules.directory.city_of(region) if region else "320000"
        name = rules.directory.name_of(handler)
        notices.append(Notification(
            id=f"bad-review:{row.id}:{city}", recipient_role=Role.SUPERVISOR.value, recipient_scope=city,
            case_id=handled[0].id, created_at=now,
            message=f"差评待整改：申请 {app.id} 对{name}的评价为“{RATING_LABELS[level]}”，"
                    f"请于{due:%Y-%m-%d}前回访整改并告知申请人"))
    try:
        store_evaluations.add(session, row, notices)
    except store_evaluations.AlreadyRated:
        raise DomainError(Code.ALREADY_RATED) from None
    return row
