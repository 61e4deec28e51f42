from __future__ import annotations

from fastapi import APIRouter

from api import clock
from api.deps import PrincipalDep, RulesDep, SettingsDep, TemporalDep
from api.errors import refusals
from api.routes.applications import created
from api.schemas import ApplicationCreated, ObjectionCreate
from domain.errors import Code
from domain.objection import ground_of
from services import objecting

router = APIRouter(prefix="/api/v1", tags=["applications"])


@router.post("/objections", response_model=ApplicationCreated, status_code=201, responses=refusals(
    Code.FORBIDDEN, Code.INVALID_SUBJECT, Code.INVALID_GROUND, Code.STATEMENT_REQUIRED, Code.UNKNOWN_RECORD,
    Code.NOT_OBJECTABLE, Code.UNKNOWN_REFUSAL, Code.ALREADY_OBJECTED, Code.CASE_OPEN, Code.NOT_CORRECTABLE,
    Code.UNKNOWN_MATERIAL, Code.INVALID_PHONE, Code.INVALID_FINE_AMOUNT, write=True))
async def create_objection(payload: ObjectionCreate, principal: PrincipalDep, rules: RulesDep,
                           settings: SettingsDep, temporal: TemporalDep) -> ApplicationCreated:
    """An objection (异议申诉) to a published record's content (`ground: content`) or to the refusal of its repair
    (`ground: refusal` with `refused_case_id`), by the subject or a counter on its behalf.

    It is an application with one case on the objection's track (config/policy.yaml `objection`), routed to
    the unit whose decision is objected to: the content to the unit that decided or listed the record, a
    refusal to the authority that refused. Followed like any application (`GET /applications/{id}`, the
    query code); decided by `correct` (with the corrected content), `keep` or `approve` (a repair)."""
    asked = objecting.ObjectionAsked(
        subject=payload.subject, record_id=payload.record_id, ground=ground_of(payload.ground),
        statement=payload.statement, contact_phone=payload.contact_phone, refused_case_id=payload.refused_case_id,
        claimed=payload.claimed, material_ids=tuple(payload.materials))
    filed = await objecting.file_objection(settings, rules, temporal, principal, asked, now=clock.now(),
                                           today=clock.today())
    return created(filed)
