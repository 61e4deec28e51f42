from __future__ import annotations

import asyncio
import logging
import time
import uuid

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from api import clock
from api.cases_view import application_public, visible_application, visible_progress
from api.deps import PrincipalDep, Rules, RulesDep, SettingsDep, TemporalDep, in_session
from api.errors import ApiError, forbidden, refusals
from api.outbox import application_input, start_application
from api.present import record_eligibility
from api.schemas import ApplicationCreate, ApplicationCreated, ApplicationPublic, CaseBrief, MaterialRef
from api.temporal import update_workflow
from config.settings import Settings
from contracts.application import WITHDRAW_UPDATE, ApplicationInput, WithdrawInput, application_workflow_id
from contracts.case import limits_from
from domain.access import Principal, can_apply_for, can_file_at_counter, can_withdraw
from domain.errors import Code, DomainError
from domain.identifiers import checked_subject, mask_phone
from domain.materials import needs_proof
from domain.model import Channel
from domain.transitions import DECIDED, CaseState
from store import cases as store_cases
from store import materials as store_materials
from store import records as store_records
from store.db import engine_for, session_scope
from store.models import Application, CreditRecord, RepairCase

router = APIRouter(prefix="/api/v1", tags=["applications"])
START_TIMEOUT_S = 5
log = logging.getLogger("xiufu.applications")


@router.post("/applications", response_model=ApplicationCreated, status_code=201, responses=refusals(
    Code.FORBIDDEN, Code.INVALID_SUBJECT, Code.COMMITMENT_REQUIRED, Code.UNKNOWN_RECORD, Code.CASE_OPEN,
    Code.NOT_ELIGIBLE, Code.PROOF_REQUIRED, Code.UNKNOWN_MATERIAL, Code.INVALID_PHONE, Code.INVALID_RECORD_IDS,
    write=True))
async def create_application(payload: ApplicationCreate, principal: PrincipalDep, rules: RulesDep,
                             settings: SettingsDep, temporal: TemporalDep) -> ApplicationCreated:
    """File one application for several records (applicant for their subject; a counter on its behalf).

    Starts one ApplicationWorkflow, which starts one RepairCaseWorkflow per record routed to its handler."""
    subject = checked_subject(payload.subject)
    if not can_apply_for(principal, subject):
        raise forbidden("只能为本主体申请信用修复(窗口可代办)")
    if not payload.commitment_signed:
        raise DomainError(Code.COMMITMENT_REQUIRED)
    record_ids = list(dict.fromkeys(payload.record_ids))
    inp = await run_in_threadpool(_file, settings, rules, principal, subject, record_ids, payload.contact_phone,
                                  payload.materials)
    app_id = inp.application_id
    started = True
    try:
        # The filing is committed: it stands whether or not Temporal answers now. If it does not, the
        # outbox sweep starts the workflow once Temporal is back (a second start is a no-op).
        await asyncio.wait_for(start_application(await temporal.client(), settings, inp), START_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - any failure leaves the start to the outbox
        started = False
        log.warning("application %s filed; its workflow did not start now (%s), the outbox will start it",
                    app_id, type(exc).__name__)
    log.info("application %s filed by %s for %d records, phone %s", app_id, principal.role.value, len(inp.cases),
             mask_phone(payload.contact_phone))
    briefs = [CaseBrief(id=c.case_id, record_id=c.record_id, handler=c.handler,
                        state=CaseState.PENDING_ACCEPTANCE.value) for c in inp.cases]
    return ApplicationCreated(id=app_id, started=started, cases=briefs)


def _file(settings: Settings, rules: Rules, principal: Principal, subject: str, record_ids: list[str],
          contact_phone: str, materials: list[MaterialRef]) -> ApplicationInput:
    """Checks the records and writes the application, its cases, the records' reservations and the
    materials' attachment in one transaction (run in the thread pool: it blocks on the database)."""
    now, today = clock.now(), clock.today()
    app_id = "app_" + uuid.uuid4().hex[:20]
    with session_scope(engine_for(settings.db_url)) as session:
        rows = [store_records.get(session, rid) for rid in record_ids]
        unknown = [rid for rid, row in zip(record_ids, rows, strict=True) if row is None or row.subject_key != subject]
        if unknown:
            raise DomainError(Code.UNKNOWN_RECORD, record_ids=unknown)
        open_ids = [row.id for row in rows if row and row.open_case_id]
        if open_ids:
            raise ApiError(Code.CASE_OPEN, record_ids=open_ids)
        blocked = {row.id: record_eligibility(row, today).reasons for row in rows if row}
        blocked = {rid: reasons for rid, reasons in blocked.items() if reasons}
        if blocked:
            first = next(iter(blocked.values()))[0]
            raise DomainError(Code.NOT_ELIGIBLE, f"所选信息暂不符合修复条件:{first}", reasons=blocked)
        _check_proofs(session, principal, subject, [r for r in rows if r], materials)
        cases = []
        for row in rows:
            assert row is not None
            handler = rules.directory.get(row.handler)
            cases.append(RepairCase(id="case_" + uuid.uuid4().hex[:20], application_id=app_id, record_id=row.id,
                                    handler=row.handler, handler_region=handler.region if handler else "",
                                    repair_channel=row.repair_channel, state=CaseState.PENDING_ACCEPTANCE.value,
                                    updated_at=now))
        window = can_file_at_counter(principal)
        app = Application(id=app_id, subject_key=subject, subject_name=rows[0].subject_name if rows[0] else "",
                          channel=(Channel.WINDOW if window else Channel.ONLINE).value, filed_by=principal.sub,
                          filed_by_role=principal.role.value, contact_phone=contact_phone, filed_at=now)
        try:
            store_cases.file_application(session, app, cases)
        except store_cases.RecordTaken as taken:
            raise ApiError(Code.CASE_OPEN, record_ids=[taken.record_id]) from None
        case_of = {c.record_id: c.id for c in cases}
        for ref in materials:
            if not store_materials.attach(session, ref.material_id, application_id=app_id,
                                          case_id=case_of[ref.record_id], record_id=ref.record_id):
                raise DomainError(Code.UNKNOWN_MATERIAL,
                                  material_ids=[ref.material_id])
        limits = limits_from(rules.policy.time_limits)
        inp = application_input(app, cases, {r.id: r for r in rows if r}, limits)
    return inp


def _check_proofs(session: Session, principal: Principal, subject: str, rows: list[CreditRecord],
                  materials: list[MaterialRef]) -> None:
    """Every material named was uploaded by the caller for this subject and not used yet, and names a record
    of the application; every record that asks for proof has one (domain/materials.py)."""
    ids = {row.id for row in rows}
    found = {m.id: m for m in store_materials.unattached_of(session, [r.material_id for r in materials],
                                                             principal.sub)}
    bad = [r.material_id for r in materials
           if r.material_id not in found or r.record_id not in ids or found[r.material_id].subject_key != subject]
    if bad:
        raise DomainError(Code.UNKNOWN_MATERIAL, material_ids=bad)
    proved = {r.record_id for r in materials}
    missing = [row.id for row in rows if row.id not in proved
               and needs_proof(row.kind, row.penalty_types, row.obligations_fulfilled)]
    if missing:
        raise DomainError(Code.PROOF_REQUIRED,
                          record_ids=missing)


@router.get("/applications/{application_id}", response_model=ApplicationPublic, responses=refusals(Code.NOT_FOUND))
async def get_application(application_id: str, principal: PrincipalDep, rules: RulesDep,
                          settings: SettingsDep) -> ApplicationPublic:
    """Progress (进度查询): each case's state, handler, deadline and timeline, and each site's acknowledgement.
    Only the subject, the counter that filed it, the handlers, supervisors above them and auditors see it.

    The read people poll most: two statements for any number of cases (api/cases_view.py), in one trip
    to the thread pool. As a sync route with a session dependency it took three (the session, the route,
    the session's exit) and a fourth to check the answer, each a wait for a thread and the GIL under load."""
    return await in_session(settings, lambda s: visible_progress(s, rules, principal, application_id).view)


@router.post("/applications/{application_id}/withdraw", response_model=ApplicationPublic, responses=refusals(
    Code.NOT_FOUND, Code.FORBIDDEN, Code.CASE_DECIDED, Code.CASE_CLOSED, Code.TEMPORAL_UNAVAILABLE, Code.CASE_NOT_READY,
    write=True))
async def withdraw(application_id: str, principal: PrincipalDep, rules: RulesDep,
                   settings: SettingsDep, temporal: TemporalDep) -> ApplicationPublic:
    """The applicant (or the counter that filed it) withdraws every case not yet decided, all at once: one
    Update to the application's workflow, which passes it on to each case. If Temporal does not take it,
    nothing is withdrawn (503, and the message says so); once taken, every undecided case is withdrawn."""
    app, cases = await in_session(settings, lambda s: visible_application(s, principal, application_id))
    if not can_withdraw(principal):
        raise forbidden("只有申请人可以撤回申请")
    open_cases = [c for c in cases if CaseState(c.state) not in DECIDED]
    if not open_cases:
        raise ApiError(Code.CASE_DECIDED, "该申请的事项均已作出决定,不能撤回")
    try:
        told = await update_workflow(temporal, application_workflow_id(app.id), WITHDRAW_UPDATE, WithdrawInput(
            actor=principal.sub, actor_role=principal.role, actor_subject=principal.subject, reason="申请人撤回"),
            list[str])
    except ApiError as refused:
        if refused.status >= 500:  # one Update for the whole application: refused, nothing was withdrawn
            raise ApiError(refused.code,
                           "流程服务暂不可用,本次撤回未生效(各事项均未撤回),请稍后重试") from None
        raise
    return await in_session(settings, lambda s: _withdrawn(s, rules, app, set(told)))


WITHDRAWN_WAIT_S = 10


def _withdrawn(session: Session, rules: Rules, app: Application, told: set[str]) -> ApplicationPublic:
    """The application once each case told has taken the withdrawal into the store (moments after the
    Update; each case applies it in its own next workflow task), or as it stands after WITHDRAWN_WAIT_S."""
    deadline = time.monotonic() + WITHDRAWN_WAIT_S
    while True:
        cases = store_cases.cases_of(session, app.id)
        if all(CaseState(c.state) in DECIDED for c in cases if c.id in told) or time.monotonic() > deadline:
            return application_public(session, rules, app, cases)
        session.commit()  # a new transaction, so the next read sees what the cases wrote since,
        session.expire_all()  # and fresh rows, not the ones already loaded
        time.sleep(0.1)
