"""What a principal may see, as the services and the reads ask it: the application or the case, or "not
found" (never "forbidden": a caller must not learn that someone else's application exists)."""

from __future__ import annotations

from sqlmodel import Session

from domain.access import Principal, can_see_case
from domain.errors import Code, DomainError
from store import cases as store_cases
from store import progress as store_progress
from store.models import Application, RepairCase
from store.progress import CaseLine


def visible_lines(session: Session, principal: Principal, application_id: str, *,
                  vouched_for: str | None = None) -> tuple[Application, list[CaseLine]]:
    """`vouched_for`: the application a counter clerk looked up in this session by its query code and
    phone (domain.access.counter_may_act_for); the caller checked the proof."""
    found = store_progress.application_cases(session, application_id)
    if found is None or not any(
            can_see_case(principal, subject_key=found[0].subject_key, filed_by=found[0].filed_by,
                         handler=line.case.handler, handler_region=line.case.handler_region,
                         vouched=vouched_for == found[0].id) for line in found[1]):
        raise DomainError(Code.NOT_FOUND, "该申请不存在或无权查看")
    return found


def visible_application(session: Session, principal: Principal, application_id: str) -> tuple[
        Application, list[RepairCase]]:
    app, lines = visible_lines(session, principal, application_id)
    return app, [line.case for line in lines]


def visible_case(session: Session, principal: Principal, case_id: str, *,
                 vouched_for: str | None = None) -> tuple[Application, RepairCase]:
    case = store_cases.get_case(session, case_id)
    app = store_cases.get_application(session, case.application_id) if case else None
    if case is None or app is None or not can_see_case(
            principal, subject_key=app.subject_key, filed_by=app.filed_by, handler=case.handler,
            handler_region=case.handler_region, vouched=vouched_for == app.id):
        raise DomainError(Code.NOT_FOUND, "该事项不存在或无权查看")
    return app, case
