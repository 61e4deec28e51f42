"""Deciding a case, answering a supplement request, sending a refused repair again: each a Temporal Update
to the case's workflow, whose validator asks the same access predicates (domain/access.py) the service
asked first."""

from __future__ import annotations

from sqlmodel import Session

from config.settings import Settings
from contracts.case import RESYNC_UPDATE, CaseView, DecisionInput, ResyncInput
from domain.access import Principal, can_answer_supplement, can_decide, can_resync
from domain.errors import Code, DomainError, Refusal
from domain.transitions import CASEWORKER_ACTIONS, Action
from services.db import in_session
from services.temporal import Temporal, send_decision, send_update
from services.visibility import visible_case
from store import materials as store_materials
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
                 reason: str) -> CaseView:
    """A caseworker of the handling authority decides; the workflow's validator refuses what the state
    (409) or the caller (403) does not allow."""
    action = caseworker_action(action_name)
    _, case = await in_session(settings, lambda s: visible_case(s, principal, case_id))
    if not can_decide(principal, case.handler):
        raise DomainError(Code.FORBIDDEN, "只有处理单位的经办人可以作出决定")
    return await send_decision(temporal, case_id, DecisionInput(
        action=action, reason=reason, actor=principal.sub, actor_role=principal.role,
        actor_authority=principal.authority, actor_name=principal.name))


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
