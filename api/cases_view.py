"""Reading applications and cases from the store for people: names, labels, timelines, who may see."""

from __future__ import annotations

from sqlmodel import Session

from api.deps import Rules
from api.errors import not_found
from api.present import authority_name
from api.schemas import ApplicationPublic, CasePublic, DeliveryPublic, TimelineEntry
from domain.access import Principal, can_see_case
from domain.identifiers import shown_subject_key
from domain.transitions import STATE_LABELS, CaseState
from store import cases as store_cases
from store.models import Application, CreditRecord, RepairCase


def visible_application(session: Session, principal: Principal, application_id: str) -> tuple[
        Application, list[RepairCase]]:
    app = store_cases.get_application(session, application_id)
    if app is None:
        raise not_found("该申请")
    cases = store_cases.cases_of(session, app.id)
    if not any(can_see_case(principal, subject_key=app.subject_key, filed_by=app.filed_by, handler=c.handler,
                            handler_region=c.handler_region) for c in cases):
        raise not_found("该申请")
    return app, cases


def visible_case(session: Session, principal: Principal, case_id: str) -> tuple[Application, RepairCase]:
    case = store_cases.get_case(session, case_id)
    app = store_cases.get_application(session, case.application_id) if case else None
    if case is None or app is None or not can_see_case(
            principal, subject_key=app.subject_key, filed_by=app.filed_by, handler=case.handler,
            handler_region=case.handler_region):
        raise not_found("该事项")
    return app, case


def case_public(session: Session, rules: Rules, case: RepairCase, with_details: bool = True) -> CasePublic:
    record = session.get(CreditRecord, case.record_id)
    out = CasePublic(
        id=case.id, application_id=case.application_id, record_id=case.record_id,
        record_no=record.record_no if record else "", record_kind=record.kind if record else "",
        handler=case.handler, handler_name=authority_name(rules, case.handler), repair_channel=case.repair_channel,
        state=case.state, state_label=STATE_LABELS[CaseState(case.state)], deadline_kind=case.deadline_kind,
        deadline=case.deadline, provisional=case.provisional, overdue=case.overdue, shielded=case.shielded,
    )
    if with_details:
        out.timeline = [TimelineEntry(at=e.at, actor_role=e.actor_role, action=e.action, message=e.message,
                                      reason=e.reason) for e in store_cases.events_of(session, [case.id])]
        out.deliveries = [DeliveryPublic(target=d.target, target_name=d.target_name,
                                         acknowledged_at=d.acknowledged_at)
                          for d in store_cases.acks_of(session, [case.id])]
    return out


def application_public(session: Session, rules: Rules, app: Application, cases: list[RepairCase]) -> ApplicationPublic:
    return ApplicationPublic(id=app.id, subject=shown_subject_key(app.subject_key), subject_name=app.subject_name,
                             channel=app.channel, filed_at=app.filed_at, closed=app.closed_at is not None,
                             cases=[case_public(session, rules, c) for c in cases])
