from __future__ import annotations

from fastapi import APIRouter, Body, Response

from api import clock
from api.cases_view import application_public, looked_up_progress, visible_progress
from api.deps import PrincipalDep, RulesDep, SettingsDep, TemporalDep
from api.errors import refusals
from api.schemas import (
    ApplicationCreate,
    ApplicationCreated,
    ApplicationPublic,
    CaseBrief,
    QueryLookup,
    WithdrawCreate,
)
from domain.errors import Code
from domain.transitions import CaseState
from services import filing, withdrawing
from services.db import in_session
from services.filing import Filed, Proof

router = APIRouter(prefix="/api/v1", tags=["applications"])


@router.post("/applications", response_model=ApplicationCreated, status_code=201, responses=refusals(
    Code.FORBIDDEN, Code.INVALID_SUBJECT, Code.COMMITMENT_REQUIRED, Code.UNKNOWN_RECORD, Code.CASE_OPEN,
    Code.NOT_ELIGIBLE, Code.PROOF_REQUIRED, Code.UNKNOWN_MATERIAL, Code.INVALID_PHONE, Code.INVALID_RECORD_IDS,
    Code.NO_TRACK, write=True))
async def create_application(payload: ApplicationCreate, principal: PrincipalDep, rules: RulesDep,
                             settings: SettingsDep, temporal: TemporalDep) -> ApplicationCreated:
    """File one application for several records (applicant for their subject; a counter on its behalf).

    Starts one ApplicationWorkflow, which starts one RepairCaseWorkflow per record routed to its handler
    (services/filing.py); `started: false` when Temporal did not answer, and the outbox starts it."""
    filed = await filing.file_application(
        settings, rules, temporal, principal, subject=payload.subject, record_ids=payload.record_ids,
        contact_phone=payload.contact_phone, commitment_signed=payload.commitment_signed,
        proofs=[Proof(m.record_id, m.material_id) for m in payload.materials], now=clock.now(), today=clock.today())
    return created(filed)


def created(filed: Filed) -> ApplicationCreated:
    """What a filing answers (a repair's, an objection's, a restructuring's): its id, query code and cases."""
    inp = filed.application
    briefs = [CaseBrief(id=c.case_id, record_id=c.record_id, handler=c.handler,
                        state=CaseState.PENDING_ACCEPTANCE.value) for c in inp.cases]
    return ApplicationCreated(id=inp.application_id, query_code=inp.query_code, started=filed.started, cases=briefs)


@router.get("/applications/{application_id}", response_model=ApplicationPublic, responses=refusals(Code.NOT_FOUND))
async def get_application(application_id: str, principal: PrincipalDep, rules: RulesDep,
                          settings: SettingsDep) -> Response:
    """Progress (进度查询): each case's state, handler, deadline and timeline, and each site's acknowledgement.
    Only the subject, the counter that filed it, the handlers, supervisors above them and auditors see it.

    The read people poll most: two statements for any number of cases (api/cases_view.py), in one trip
    to the thread pool. As a sync route with a session dependency it took three (the session, the route,
    the session's exit) and a fourth to check the answer, each a wait for a thread and the GIL under load.
    The answer is serialised once, straight from the model the read built: FastAPI would otherwise validate
    the whole ApplicationPublic again against `response_model` before serialising it."""
    view = await in_session(settings, lambda s: visible_progress(s, rules, principal, application_id).view)
    return Response(view.model_dump_json(), media_type="application/json")


@router.post("/applications/{application_id}/withdraw", response_model=ApplicationPublic, responses=refusals(
    Code.NOT_FOUND, Code.FORBIDDEN, Code.CASE_DECIDED, Code.CASE_CLOSED, Code.TEMPORAL_UNAVAILABLE, Code.CASE_NOT_READY,
    write=True))
async def withdraw(application_id: str, principal: PrincipalDep, rules: RulesDep, settings: SettingsDep,
                   temporal: TemporalDep, payload: WithdrawCreate | None = Body(default=None)) -> ApplicationPublic:
    """The applicant (or the counter that filed it) withdraws every case not yet decided, all at once: one
    Update to the application's workflow, which passes it on to each case. If Temporal does not take it,
    nothing is withdrawn (503, and the message says so); once taken, every undecided case is withdrawn. The
    body is optional: `{"reason": ...}` goes to each case's timeline."""
    app, cases = await withdrawing.withdraw(settings, temporal, principal, application_id,
                                            reason=payload.reason if payload else "")
    return await in_session(settings, lambda s: application_public(s, rules, app, cases))


@router.post("/applications/lookup", response_model=ApplicationPublic, responses=refusals(
    Code.FORBIDDEN, Code.INVALID_QUERY_CODE, Code.INVALID_PHONE_TAIL, Code.QUERY_NOT_MATCHED, write=True))
async def look_up(payload: QueryLookup, principal: PrincipalDep, rules: RulesDep,
                  settings: SettingsDep) -> ApplicationPublic:
    """A counter (窗口) finds the application of the person before it, filed online or at any counter, by the
    query code (查询码) they read out and the last 4 digits of the contact phone they gave; a code that does
    not exist and a phone that does not match answer the same 404 (services/lookup.py)."""
    return await in_session(settings, lambda s: looked_up_progress(s, rules, principal, payload.query_code,
                                                                   payload.phone_tail))
