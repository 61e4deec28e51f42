from __future__ import annotations

from fastapi import APIRouter, Query
from sqlmodel import Session

from api.cases_view import queue_public, visible_case
from api.deps import PrincipalDep, RulesDep, SessionDep, SettingsDep, TemporalDep, in_session
from api.errors import ApiError, forbidden, refusals
from api.history import case_history
from api.schemas import CaseDecided, CaseHistory, CasePublic, DecisionCreate, ResyncCreate, SupplementCreate
from api.temporal import send_decision, send_update
from contracts.case import RESYNC_UPDATE, CaseView, DecisionInput, ResyncInput
from domain.access import Principal, can_answer_supplement, can_decide, can_read_history, can_resync, queue_scope
from domain.authorities import region_prefix
from domain.errors import Code, DomainError
from domain.transitions import CASEWORKER_ACTIONS, Action
from store import materials as store_materials
from store import progress as store_progress
from store.models import RepairCase

router = APIRouter(prefix="/api/v1", tags=["cases"])


def decided(case_id: str, view: CaseView) -> CaseDecided:
    return CaseDecided(id=case_id, state=view.state, deadline=view.deadline, provisional=view.provisional,
                       overdue=view.overdue, refused=view.refused)


@router.get("/cases", response_model=list[CasePublic], responses=refusals(Code.FORBIDDEN))
def list_cases(principal: PrincipalDep, rules: RulesDep, session: SessionDep,
               state: str | None = Query(default=None)) -> list[CasePublic]:
    """The queue, soonest deadline first: a caseworker's authority, a supervisor's region and below
    (domain.access.queue_scope). One statement, the cases joined with their records, however long."""
    scope = queue_scope(principal)
    if scope is None:
        raise forbidden("只有经办人、督办人员和审计人员可以查看事项列表")
    return queue_public(rules, store_progress.queue(
        session, handler=scope.handler, region_prefix=region_prefix(scope.region) if scope.region else None,
        state=state))


@router.post("/cases/{case_id}/decisions", response_model=CaseDecided, responses=refusals(
    Code.NOT_FOUND, Code.FORBIDDEN, Code.INVALID_ACTION, Code.REASON_REQUIRED, Code.CASE_DECIDED, Code.CASE_CLOSED,
    Code.ACTION_NOT_ALLOWED, Code.NOT_OVERDUE, Code.EXTENSION_USED, Code.TEMPORAL_UNAVAILABLE, Code.CASE_NOT_READY,
    write=True))
async def decide(case_id: str, payload: DecisionCreate, principal: PrincipalDep, settings: SettingsDep,
                 temporal: TemporalDep) -> CaseDecided:
    """A caseworker of the handling authority decides; sent to the case workflow as a Temporal Update whose
    validator refuses what the state (409) or the caller (403) does not allow."""
    try:
        action = Action(payload.action)
    except ValueError:
        raise DomainError(Code.INVALID_ACTION, f"不支持的办理操作:{payload.action}") from None
    if action not in CASEWORKER_ACTIONS:
        raise DomainError(Code.INVALID_ACTION, f"不支持的办理操作:{payload.action}")
    _, case = await in_session(settings, lambda s: visible_case(s, principal, case_id))
    if not can_decide(principal, case.handler):
        raise forbidden("只有处理单位的经办人可以作出决定")
    view = await send_decision(temporal, case_id, DecisionInput(
        action=action, reason=payload.reason, actor=principal.sub, actor_role=principal.role,
        actor_authority=principal.authority))
    return decided(case_id, view)


@router.post("/cases/{case_id}/supplement", response_model=CaseDecided, responses=refusals(
    Code.NOT_FOUND, Code.FORBIDDEN, Code.UNKNOWN_MATERIAL, Code.CASE_DECIDED, Code.CASE_CLOSED,
    Code.ACTION_NOT_ALLOWED, Code.TEMPORAL_UNAVAILABLE, Code.CASE_NOT_READY, write=True))
async def supplement(case_id: str, principal: PrincipalDep, settings: SettingsDep, temporal: TemporalDep,
                     payload: SupplementCreate | None = None) -> CaseDecided:
    """The applicant answers a supplement request, with the materials uploaded for it; the paused clock runs
    again. The materials are attached before the Update and detached again if the workflow refuses it, so
    a refusal leaves them free to use and an interrupted call leaves them with the case, never lost."""
    app, case = await in_session(settings, lambda s: visible_case(s, principal, case_id))
    if not can_answer_supplement(principal):
        raise forbidden("只有申请人可以提交补正材料")
    ids = list(dict.fromkeys(payload.materials)) if payload else []
    if ids:
        await in_session(settings, lambda s: _attach_supplement(s, principal, app.subject_key, case, ids))
    try:
        view = await send_decision(temporal, case_id, DecisionInput(
            action=Action.SUPPLEMENT, actor=principal.sub, actor_role=principal.role,
            actor_subject=principal.subject))
    except ApiError as refused:
        # detached only when the workflow said no (4xx): after a 503 the Update may have been taken, and the
        # materials must stay with the case it answered
        if ids and refused.status < 500:
            await in_session(settings, lambda s: store_materials.detach(s, ids, case_id=case_id))
        raise
    return decided(case_id, view)


def _attach_supplement(session: Session, principal: Principal, subject: str, case: RepairCase,
                       ids: list[str]) -> None:
    found = {m.id: m for m in store_materials.unattached_of(session, ids, principal.sub)}
    bad = [i for i in ids if i not in found or found[i].subject_key != subject]
    if bad:
        raise DomainError(Code.UNKNOWN_MATERIAL, material_ids=bad)
    for material_id in ids:
        if not store_materials.attach(session, material_id, application_id=case.application_id, case_id=case.id,
                                      record_id=case.record_id, purpose="supplement"):
            raise DomainError(Code.UNKNOWN_MATERIAL,
                              material_ids=[material_id])


@router.post("/cases/{case_id}/resync", response_model=CaseDecided, responses=refusals(
    Code.NOT_FOUND, Code.FORBIDDEN, Code.NOTHING_TO_RESYNC, Code.CASE_CLOSED, Code.TEMPORAL_UNAVAILABLE,
    Code.CASE_NOT_READY, write=True))
async def resync(case_id: str, payload: ResyncCreate, principal: PrincipalDep, settings: SettingsDep,
                 temporal: TemporalDep) -> CaseDecided:
    """An admin sends the repair again to the sites that refused it (after the cause is fixed with them).
    Refused (409 NOTHING_TO_RESYNC) when no site has refused."""
    if not can_resync(principal):
        raise forbidden("只有系统管理员可以要求重新同步")
    await in_session(settings, lambda s: visible_case(s, principal, case_id))
    view = await send_update(temporal, case_id, RESYNC_UPDATE, ResyncInput(
        actor=principal.sub, actor_role=principal.role, reason=payload.reason))
    return decided(case_id, view)


@router.get("/cases/{case_id}/history", response_model=CaseHistory, responses=refusals(
    Code.NOT_FOUND, Code.FORBIDDEN, Code.TEMPORAL_UNAVAILABLE))
async def history(case_id: str, principal: PrincipalDep, settings: SettingsDep, temporal: TemporalDep) -> CaseHistory:
    """The case's events as Temporal recorded them (who decided what, when, why), for auditors and
    supervisors, with the address that opens the workflow in the Temporal Web UI."""
    if not can_read_history(principal):
        raise forbidden("只有审计和督办人员可以查看办理历史")
    await in_session(settings, lambda s: visible_case(s, principal, case_id))
    try:
        return await case_history(settings, await temporal.client(), case_id)
    except LookupError:
        raise ApiError(Code.NOT_FOUND, "该事项的流程记录不存在") from None
