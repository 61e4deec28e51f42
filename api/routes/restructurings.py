from __future__ import annotations

from fastapi import APIRouter

from api import clock
from api.deps import PrincipalDep, RulesDep, SettingsDep, TemporalDep
from api.errors import refusals
from api.routes.applications import created
from api.schemas import ApplicationCreated, PlanOutcomeCreate, PlanOutcomeTold, RestructuringCreate
from domain.errors import Code
from domain.restructuring import kind_of, outcome_of
from services import restructuring

router = APIRouter(prefix="/api/v1", tags=["applications"])


@router.post("/restructurings", response_model=ApplicationCreated, status_code=201, responses=refusals(
    Code.FORBIDDEN, Code.INVALID_SUBJECT, Code.INVALID_RESTRUCTURING_KIND, Code.RULING_REQUIRED,
    Code.RULED_IN_FUTURE, Code.RULING_MATERIAL_REQUIRED, Code.UNKNOWN_COURT, Code.UNKNOWN_RECORD, Code.NOT_COVERED,
    Code.CASE_OPEN, Code.UNKNOWN_MATERIAL, Code.INVALID_PHONE, Code.INVALID_RECORD_IDS, write=True))
async def create_restructuring(payload: RestructuringCreate, principal: PrincipalDep, rules: RulesDep,
                               settings: SettingsDep, temporal: TemporalDep) -> ApplicationCreated:
    """破产重整、和解: an enterprise whose restructuring plan (`reorganisation`) or settlement agreement
    (`settlement`) a court approved applies with the ruling, for the records the plan covers; by the subject, or
    a counter on its behalf.

    One application, a case per record routed to whoever decided it, on the restructuring's track
    (config/policy.yaml `restructuring`). No minimum period and no proof of obligations is asked. Each handler
    checks the ruling and approves a provisional lifting: the record is hidden on every site (state `lifted`)
    until the court's system reports how the plan ended (`POST /restructurings/{id}/outcome`): carried out,
    and each lifted record is repaired on every site; failed, and each is shown again."""
    asked = restructuring.RestructuringAsked(
        subject=payload.subject, kind=kind_of(payload.kind), court=payload.court, ruling_no=payload.ruling_no,
        ruled_on=payload.ruled_on, record_ids=tuple(payload.record_ids), contact_phone=payload.contact_phone,
        material_ids=tuple(payload.materials))
    filed = await restructuring.file_restructuring(settings, rules, temporal, principal, asked, now=clock.now(),
                                                   today=clock.today())
    return created(filed)


@router.post("/restructurings/{application_id}/outcome", response_model=PlanOutcomeTold, status_code=202,
             responses=refusals(Code.NOT_FOUND, Code.FORBIDDEN, Code.INVALID_OUTCOME, Code.RULING_REQUIRED,
                                Code.RULED_IN_FUTURE, Code.OUTCOME_KNOWN, Code.CASE_CLOSED, Code.CASE_NOT_READY,
                                Code.TEMPORAL_UNAVAILABLE, write=True))
async def report_outcome(application_id: str, payload: PlanOutcomeCreate, principal: PrincipalDep,
                         settings: SettingsDep, temporal: TemporalDep) -> PlanOutcomeTold:
    """The court that approved the plan (its integrator, or the admin) says how it ended, once for the whole
    application: `carried_out` (the court's confirmation that the plan was carried out) repairs every lifted
    record on every site; `failed` (终止执行) shows every one again and ends the cases not decided yet. Told
    once: a second report answers 409 OUTCOME_KNOWN; anyone else learns nothing of the application (404)."""
    outcome = outcome_of(payload.outcome)
    told = await restructuring.report_outcome(settings, temporal, principal, application_id, outcome=outcome,
                                              ruling_no=payload.ruling_no, ruled_on=payload.ruled_on,
                                              today=clock.today())
    return PlanOutcomeTold(application_id=application_id, outcome=outcome.value, cases=told)
