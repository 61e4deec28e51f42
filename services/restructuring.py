"""破产重整、和解 (domain/restructuring.py): filing the application of an enterprise whose plan a court approved,
and the court's word on how the plan ended.

The filing is a repair's (services/filing.py: the rows in one transaction, each record reserved for its case,
then the workflow or the outbox), with the court's ruling kept beside it and none of a repair's eligibility
(no minimum period, no proof of obligations: the plan is how they are met). The outcome is one Update to
the application's workflow, which keeps it and passes it to every case: told once, it holds whatever happens
to this process; Temporal down answers 503 and nothing was told."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from anyio import to_thread

from config.rules import Rules
from config.settings import Settings
from contracts.application import PLAN_UPDATE, ApplicationInput, application_workflow_id
from contracts.case import PlanOutcomeInput
from domain.access import Principal, can_apply_for, can_register_record
from domain.eligibility import shown_state
from domain.errors import Code, DomainError, Refusal
from domain.identifiers import checked_subject, mask_phone
from domain.model import RecordState, RequestKind, Sector
from domain.restructuring import COVERED, OUTCOME_LABELS, PLAN_LABELS, PlanOutcome, RestructuringKind, check_ruling
from services.db import in_session
from services.filing import Filed, Proof, check_materials, new_case, reserve, start_filed
from services.temporal import Temporal, update_workflow
from store import cases as store_cases
from store import records as store_records
from store.db import engine_for, session_scope
from store.models import CreditRecord, Restructuring

log = logging.getLogger("xiufu.filing")


@dataclass(frozen=True)
class RestructuringAsked:
    subject: str
    kind: RestructuringKind
    court: str  # the court's authority code
    ruling_no: str
    ruled_on: date
    record_ids: tuple[str, ...]
    contact_phone: str
    material_ids: tuple[str, ...] = ()  # the ruling, uploaded first (kept with the first record's case)


async def file_restructuring(settings: Settings, rules: Rules, temporal: Temporal, principal: Principal,
                             asked: RestructuringAsked, *, now: datetime, today: date) -> Filed:
    """The enterprise for itself, or a counter on its behalf. Refused before anything is stored: another
    subject, no ruling or one dated after today, no file of it, a court not configured, a record not the
    subject's, one no longer shown, one with an open case."""
    key = checked_subject(asked.subject)
    if not can_apply_for(principal, key):
        raise DomainError(Code.FORBIDDEN, "只能为本主体申请信用修复（窗口可代办）")
    check_ruling(asked.ruling_no, asked.ruled_on, today)
    if not asked.material_ids:  # every handler checks the ruling itself, not only its number
        raise DomainError(Code.RULING_MATERIAL_REQUIRED)
    court = rules.directory.get(asked.court)
    if court is None or court.sector != Sector.COURT:
        raise DomainError(Code.UNKNOWN_COURT)
    inp = await to_thread.run_sync(lambda: record_restructuring(settings, rules, principal, key, asked, now, today))
    started = await start_filed(settings, temporal, inp)
    log.info("restructuring %s filed by %s for %d records, phone %s", inp.application_id, principal.role.value,
             len(inp.cases), mask_phone(asked.contact_phone))
    return Filed(inp, started)


def record_restructuring(settings: Settings, rules: Rules, principal: Principal, subject: str,
                         asked: RestructuringAsked, now: datetime, today: date) -> ApplicationInput:
    """The restructuring's one transaction (blocking: run it in a thread from async code)."""
    record_ids = list(dict.fromkeys(asked.record_ids))
    with session_scope(engine_for(settings.db_url)) as session:
        rows = [store_records.get(session, rid) for rid in record_ids]
        unknown = [rid for rid, row in zip(record_ids, rows, strict=True) if row is None or row.subject_key != subject]
        if unknown:
            raise DomainError(Code.UNKNOWN_RECORD, record_ids=unknown)
        records: list[CreditRecord] = [row for row in rows if row is not None]
        gone = [row.id for row in records
                if shown_state(RecordState(row.state), row.max_publicity_end, today) not in COVERED]
        if gone:
            raise DomainError(Code.NOT_COVERED, record_ids=gone)
        taken = [row.id for row in records if row.open_case_id]
        if taken:
            raise DomainError(Code.CASE_OPEN, record_ids=taken)
        proofs = [Proof(records[0].id, m) for m in dict.fromkeys(asked.material_ids)]
        check_materials(session, principal, subject, records, proofs)
        app_id = "app_" + uuid.uuid4().hex[:20]
        cases = [new_case(rules, app_id, row, row.handler, rules.policy.restructuring, now, RequestKind.RESTRUCTURING)
                 for row in records]
        ruling = Restructuring(application_id=app_id, subject_key=subject, kind=asked.kind.value, court=asked.court,
                               ruling_no=asked.ruling_no.strip(), ruled_on=asked.ruled_on)
        return reserve(session, rules, principal, app_id, records, cases, asked.contact_phone, proofs, now,
                       purpose="ruling", restructuring=ruling)


async def report_outcome(settings: Settings, temporal: Temporal, principal: Principal, application_id: str, *,
                         outcome: PlanOutcome, ruling_no: str, ruled_on: date, today: date) -> list[str]:
    """The court's system (its integrator) says how the plan ended; answers the cases it was passed to. Anyone
    but that court's integrator (or the admin) learns nothing of the restructuring (404)."""
    row = await in_session(settings, lambda s: store_cases.restructuring_of(s, application_id))
    if row is None or not can_register_record(principal, row.court):
        raise DomainError(Code.NOT_FOUND, "破产重整（和解）申请不存在或无权报送")
    check_ruling(ruling_no, ruled_on, today)
    if row.outcome is not None:
        raise DomainError(Code.OUTCOME_KNOWN)
    kind = RestructuringKind(row.kind)
    plan = PlanOutcomeInput(application_id=application_id, outcome=outcome.value, ruling_no=ruling_no.strip(),
                            ruled_on=ruled_on, actor=principal.sub, actor_role=principal.role,
                            reason=f"{PLAN_LABELS[kind]}{OUTCOME_LABELS[outcome]}（{ruling_no.strip()}）")
    try:
        told = await update_workflow(temporal, application_workflow_id(application_id), PLAN_UPDATE, plan, list[str])
    except DomainError as refused:
        if refused.refusal is Refusal.UNAVAILABLE:
            raise DomainError(refused.code, "流程服务暂不可用，本次报送未生效，请稍后重试") from None
        raise
    log.info("restructuring %s: plan %s, told %d cases, by %s", application_id, outcome.value, len(told),
             principal.role.value)
    return told
