"""Deciding a case, answering a supplement request, sending a refused repair again: each a Temporal Update
to the case's workflow, whose validator asks the same access predicates (domain/access.py) the service
asked first."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from config.rules import rules_for
from config.settings import Settings
from contracts.case import RESYNC_UPDATE, CaseView, DecisionInput, ResyncInput
from domain.access import Principal, can_answer_supplement, can_decide, can_resync, decides_in_system
from domain.errors import Code, DomainError, Refusal
from domain.model import RequestKind
from domain.transitions import CASEWORKER_ACTIONS, Action, CaseState
from services import record_life
from services.db import in_session
from services.temporal import Temporal, send_decision, send_update
from services.visibility import visible_case
from store import cases as store_cases
from store import materials as store_materials
from store import records as store_records
from store.models import RepairCase


def caseworker_action(name: str) -> Action:
    """The action a caseworker names, or INVALID_ACTION (a supplement or a withdrawal is the applicant's)."""
    try:
        action = Action(name)
    except ValueError:
        raise DomainError(Code.INVALID_ACTION, f"不支持的办理操作：{name}") from None
    if action not in CASEWORKER_ACTIONS:
        raise DomainError(Code.INVALID_ACTION, f"不支持的办理操作：{name}")
    return action


async def decide(settings: Settings, temporal: Temporal, principal: Principal, case_id: str, action_name: str,
                 reason: str, *, changes: dict[str, str | None] | None = None,
                 now: datetime | None = None) -> CaseView:
    """A caseworker of the handling authority decides; the workflow's validator refuses what the state
    (409) or the caller (403) does not allow. An objection upheld by a correction (`correct`) names the
    corrected content (`changes`: field → new value), checked here against the record as it is now."""
    action = caseworker_action(action_name)
    _, case = await in_session(settings, lambda s: visible_case(s, principal, case_id))
    if not can_decide(principal, case.handler):
        raise DomainError(Code.FORBIDDEN, "只有处理单位的经办人可以作出决定")
    system = rules_for(settings.config_dir).handling_system(case.handled_in)
    if system is not None:  # one decider: the system it was handed to
        raise DomainError(Code.HANDLED_ELSEWHERE, f"该事项已转交{system.name}办理，请在该系统中作出决定",
                          handled_in=system.code)
    correction = None
    if action is Action.CORRECT and case.request == RequestKind.OBJECTION:
        if not changes:
            raise DomainError(Code.CORRECTION_REQUIRED)
        row = await in_session(settings, lambda s: store_records.get(s, case.record_id))
        assert row is not None  # a case's record is never deleted
        correction = record_life.correction_of(row, changes, reason, principal, now or datetime.now(UTC),
                                               case_id=case.id)
    return await send_decision(temporal, case_id, DecisionInput(
        action=action, reason=reason, actor=principal.sub, actor_role=principal.role,
        actor_authority=principal.authority, actor_name=principal.name, correction=correction))


async def decide_in_system(settings: Settings, temporal: Temporal, principal: Principal, case_id: str, *,
                           event_id: str, action_name: str, reason: str, handled_by: str) -> CaseView:
    """A vertical system reports a decision taken by its caseworker on a case handed to it: the same Update
    as a caseworker's on the workbench, keyed by the system's event id (a callback sent twice is taken
    once). A case not handed to this system is not found, as a case another authority handles is."""
    action = caseworker_action(action_name)
    case, taken = await in_session(settings, lambda s: (store_cases.get_case(s, case_id),
                                                        store_cases.decided_by_system(s, case_id, event_id)))
    if case is None or not decides_in_system(principal, case.handled_in or ""):
        raise DomainError(Code.NOT_FOUND, "没有转交本系统办理的该事项")
    if taken:  # repeated, perhaps after the case ended: answered as the case is now, applied once
        return CaseView(case_id=case.id, state=CaseState(case.state), deadline=case.deadline,
                        provisional=case.provisional, overdue=case.overdue, handled_in=case.handled_in or "")
    return await send_decision(temporal, case_id, DecisionInput(
        action=action, reason=reason, actor=principal.sub, actor_role=principal.role,
        actor_authority=principal.authority, actor_name=handled_by or None, event_id=event_id))


async def supplement(settings: Settings, temporal: Temporal, principal: Principal, case_id: str,
                     material_ids: list[str], *, vouched_for: str | None = None, note: str = "") -> CaseView:
    """The applicant answers a supplement request with the materials uploaded for it; the paused clock
    runs again. The materials are attached before the Update and detached again if the workflow refuses
    it, so a refusal leaves them free to use and an interrupted call leaves them with the case, never lost.

    A counter answering for a walk-in passes the application it looked up (`vouched_for`, see
    domain.access.counter_may_act_for) and a `note` that the timeline keeps as the event's reason (done
    at the counter on the applicant's behalf, by whom); the Update's actor is the clerk."""
    app, case = await in_session(settings, lambda s: visible_case(s, principal, case_id, vouched_for=vouched_for))
    if not can_answer_supplement(principal):
        raise DomainError(Code.FORBIDDEN, "只有申请人可以提交补正材料")
    ids = list(dict.fromkeys(material_ids))
    if ids:
        await in_session(settings, lambda s: _attach(s, principal, app.subject_key, case, ids))
    try:
        return await send_decision(temporal, case_id, DecisionInput(
            action=Action.SUPPLEMENT, reason=note, actor=principal.sub, actor_role=principal.role,
            actor_subject=principal.subject, actor_name=principal.name))
    except DomainError as refused:
        # detached only when the workflow said no: when Temporal could not be reached the Update may have
        # been taken, and the materials must stay with the case it answered
        if ids and refused.refusal is not Refusal.UNAVAILABLE:
            await in_session(settings, lambda s: store_materials.detach(s, ids, case_id=case_id))
        raise


def _attach(session: Session, principal: Principal, subject: str, case: RepairCase, ids: list[str]) -> None:
    found = {m.id: m for m in store_materials.unattached_of(session, ids, principal.sub)}
    bad = [i for i in ids if i not in found or found[i].subject_key != subject]
    if bad:
        raise DomainError(Code.UNKNOWN_MATERIAL, material_ids=bad)
    for material_id in ids:
        if not store_materials.attach(session, material_id, application_id=case.application_id, case_id=case.id,
                                      record_id=case.record_id, purpose="supplement"):
            raise DomainError(Code.UNKNOWN_MATERIAL, material_ids=[material_id])


async def resync(settings: Settings, temporal: Temporal, principal: Principal, case_id: str,
                 reason: str) -> CaseView:
    """The admin sends the repair again to the sites that refused it (after the cause is fixed with them);
    NOTHING_TO_RESYNC when no site has refused."""
    if not can_resync(principal):
        raise DomainError(Code.FORBIDDEN, "只有系统管理员可以要求重新同步")
    await in_session(settings, lambda s: visible_case(s, principal, case_id))
    return await send_update(temporal, case_id, RESYNC_UPDATE, ResyncInput(
        actor=principal.sub, actor_role=principal.role, reason=reason))
