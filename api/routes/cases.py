from __future__ import annotations

from fastapi import APIRouter, Query

from api import clock
from api.cases_view import queue_public
from api.deps import PrincipalDep, RulesDep, SessionDep, SettingsDep, TemporalDep
from api.errors import ApiError, forbidden, refusals
from api.history import case_history
from api.schemas import CaseDecided, CaseHistory, CasePublic, DecisionCreate, ResyncCreate, SupplementCreate
from contracts.case import CaseView
from domain.access import can_read_history, queue_scope
from domain.authorities import region_prefix
from domain.errors import Code
from services import deciding
from services.db import in_session
from services.visibility import visible_case
from store import progress as store_progress

router = APIRouter(prefix="/api/v1", tags=["cases"])


def decided(case_id: str, view: CaseView) -> CaseDecided:
    return CaseDecided(id=case_id, state=view.state, deadline=view.deadline, provisional=view.provisional,
                       overdue=view.overdue, refused=view.refused, handled_in=view.handled_in)


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
    Code.ACTION_NOT_ALLOWED, Code.NOT_OVERDUE, Code.EXTENSION_USED, Code.HANDLED_ELSEWHERE, Code.TEMPORAL_UNAVAILABLE,
    Code.CASE_NOT_READY, Code.CORRECTION_REQUIRED, Code.NOT_CORRECTABLE, Code.NOTHING_TO_CORRECT,
    Code.INVALID_FINE_AMOUNT, Code.RECORD_WITHDRAWN, write=True))
async def decide(case_id: str, payload: DecisionCreate, principal: PrincipalDep, settings: SettingsDep,
                 temporal: TemporalDep) -> CaseDecided:
    """A caseworker of the handling authority decides; sent to the case workflow as a Temporal Update whose
    validator refuses what the state (409) or the caller (403) does not allow."""
    return decided(case_id, await deciding.decide(settings, temporal, principal, case_id, payload.action,
                                                  payload.reason, changes=payload.changes, now=clock.now()))


@router.post("/cases/{case_id}/supplement", response_model=CaseDecided, responses=refusals(
    Code.NOT_FOUND, Code.FORBIDDEN, Code.UNKNOWN_MATERIAL, Code.CASE_DECIDED, Code.CASE_CLOSED,
    Code.ACTION_NOT_ALLOWED, Code.TEMPORAL_UNAVAILABLE, Code.CASE_NOT_READY, write=True))
async def supplement(case_id: str, principal: PrincipalDep, settings: SettingsDep, temporal: TemporalDep,
                     payload: SupplementCreate | None = None) -> CaseDecided:
    """The applicant answers a supplement request, with the materials uploaded for it (POST /materials);
    the paused clock runs again. A refused answer leaves the materials free to use again."""
    return decided(case_id, await deciding.supplement(settings, temporal, principal, case_id,
                                                      payload.materials if payload else []))


@router.post("/cases/{case_id}/resync", response_model=CaseDecided, responses=refusals(
    Code.NOT_FOUND, Code.FORBIDDEN, Code.NOTHING_TO_RESYNC, Code.CASE_CLOSED, Code.TEMPORAL_UNAVAILABLE,
    Code.CASE_NOT_READY, write=True))
async def resync(case_id: str, payload: ResyncCreate, principal: PrincipalDep, settings: SettingsDep,
                 temporal: TemporalDep) -> CaseDecided:
    """An admin sends the repair again to the sites that refused it (after the cause is fixed with them).
    Refused (409 NOTHING_TO_RESYNC) when no site has refused."""
    return decided(case_id, await deciding.resync(settings, temporal, principal, case_id, payload.reason))


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
