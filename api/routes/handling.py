"""The vertical systems' side of a handed-over case (config/handling.yaml, 依托国垂、省垂系统): the system
reports each decision its caseworker took, and the API turns it into the case workflow's `decide` Update,
so the hub's deadlines, overdue marks, shielding and sync apply as to a decision taken on the workbench."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import PrincipalDep, SettingsDep, TemporalDep
from api.errors import refusals
from api.routes.cases import decided
from api.schemas import CaseDecided, SystemDecisionCreate
from domain.errors import Code
from services import deciding

router = APIRouter(prefix="/api/v1", tags=["handling"])


@router.post("/handling/cases/{case_id}/decisions", response_model=CaseDecided, responses=refusals(
    Code.NOT_FOUND, Code.FORBIDDEN, Code.INVALID_ACTION, Code.REASON_REQUIRED, Code.CASE_DECIDED, Code.CASE_CLOSED,
    Code.ACTION_NOT_ALLOWED, Code.NOT_OVERDUE, Code.EXTENSION_USED, Code.TEMPORAL_UNAVAILABLE, Code.CASE_NOT_READY,
    write=True))
async def report_decision(case_id: str, payload: SystemDecisionCreate, principal: PrincipalDep,
                          settings: SettingsDep, temporal: TemporalDep) -> CaseDecided:
    """A decision taken in the system the case was handed to (token role `handling_system`, its authority the
    system's code). Idempotent by `event_id`: the same event again answers the case as it is, applied once.
    A case not handed to the caller's system answers 404, whoever else may know it."""
    return decided(case_id, await deciding.decide_in_system(
        settings, temporal, principal, case_id, event_id=payload.event_id, action_name=payload.action,
        reason=payload.reason, handled_by=payload.handled_by))
