"""Filing an application (申请): one application for several records of one subject, each record a case
routed to the authority that decided it (谁认定、谁修复).

The rows are written first, in one transaction (the application, its cases, the records' reservations,
the proofs' attachment), then the workflow is started. The filing stands whether or not Temporal answers
now: if it does not, the outbox sweep (services/outbox.py) starts it once Temporal is back, and a second
start is a no-op."""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from anyio import to_thread
from sqlmodel import Session

from config.rules import Rules
from config.settings import Settings
from contracts.application import ApplicationInput
from domain.access import Principal, can_apply_for, can_file_at_counter
from domain.clock import beijing_date
from domain.errors import Code, DomainError
from domain.identifiers import checked_subject, mask_phone
from domain.materials import needs_proof
from domain.model import Channel, RequestKind
from domain.tracks import Track
from domain.transitions import CaseState
from services.outbox import application_input, start_application
from services.temporal import Temporal
from store import cases as store_cases
from store import materials as store_materials
from store import records as store_records
from store.db import engine_for, session_scope
from store.models import Application, CreditRecord, RepairCase, Restructuring

START_TIMEOUT_S = 5
log = logging.getLogger("xiufu.filing")


@dataclass(frozen=True)
class Proof:
    """An uploaded material (POST /materials) and the record it proves something for."""

    record_id: str
    material_id: str


@dataclass(frozen=True)
class Filed:
    application: ApplicationInput
    started: bool  # False: Temporal did not answer now; the outbox starts it


async def file_application(settings: Settings, rules: Rules, temporal: Temporal, principal: Principal, *,
                           subject: str, record_ids: list[str], contact_phone: str, commitment_signed: bool,
                           proofs: list[Proof], now: datetime, today: date) -> Filed:
    """The applicant for their subject, or a counter on its behalf (channel window, the clerk recorded as
    filer). Refused: another subject, the commitment unsigned, a record unknown, taken or not eligible, a
    proof missing or not the caller's."""
    key = checked_subject(subject)
    if not can_apply_for(principal, key):
        raise DomainError(Code.FORBIDDEN, "只能为本主体申请信用修复（窗口可代办）")
    if not commitment_signed:
        raise DomainError(Code.COMMITMENT_REQUIRED)
    inp = await to_thread.run_sync(lambda: record_filing(settings, rules, principal, key, record_ids,
                                                         contact_phone, proofs, now, today))
    started = await start_filed(settings, temporal, inp)
    log.info("application %s filed by %s for %d records, phone %s", inp.application_id, principal.role.value,
             len(inp.cases), mask_phone(contact_phone))
    return Filed(inp, started)


def record_filing(settings: Settings, rules: Rules, principal: Principal, subject: str, record_ids: list[str],
                  contact_phone: str, proofs: list[Proof], now: datetime, today: date) -> ApplicationInput:
    """The filing's one transaction (blocking: run it in a thread from async code), answering what the
    workflow is started with. Tests that start the workflow on a queue of their own call this alone."""
    record_ids = list(dict.fromkeys(record_ids))
    app_id = "app_" + uuid.uuid4().hex[:20]
    with session_scope(engine_for(settings.db_url)) as session:
        rows = [store_records.get(session, rid) for rid in record_ids]
        unknown = [rid for rid, row in zip(record_ids, rows, strict=True) if row is None or row.subject_key != subject]
        if unknown:
            raise DomainError(Code.UNKNOWN_RECORD, record_ids=unknown)
        records = [row for row in rows if row is not None]
        open_ids = [row.id for row in records if row.open_case_id]
        if open_ids:
            raise DomainError(Code.CASE_OPEN, record_ids=open_ids)
        blocked = {row.id: [r.message for r in store_records.eligibility_of(row, today).reasons] for row in records}
        blocked = {rid: reasons for rid, reasons in blocked.items() if reasons}
        if blocked:
            first = next(iter(blocked.values()))[0]
            raise DomainError(Code.NOT_ELIGIBLE, f"所选信息暂不符合修复条件：{first}", reasons=blocked)
        _check_proofs(session, principal, subject, records, proofs)
        # the acceptance deadline as the case workflow will compute it (same calendar, same start), written
        # with the filing so that the first progress page shows it rather than waiting for the projection
        cases = [new_case(rules, app_id, row, row.handler, rules.track_of(row.kind, row.issuer), now)
                 for row in records]
        return reserve(session, rules, principal, app_id, records, cases, contact_phone, proofs, now)


def new_case(rules: Rules, app_id: str, row: CreditRecord, handler: str, track: Track, now: datetime,
             request: RequestKind = RequestKind.REPAIR) -> RepairCase:
    """A case as filed, waiting for acceptance: its acceptance deadline as the case workflow will compute it
    (same calendar, same start), written with the filing so that the first progress page shows it rather
    than waiting for the projection. A repair's, an objection's and a restructuring's."""
    authority = rules.directory.get(handler)
    acceptance = rules.calendar.add_workdays(beijing_date(now), track.limits.acceptance)
    return RepairCase(id="case_" + uuid.uuid4().hex[:20], application_id=app_id, record_id=row.id, handler=handler,
                      handler_region=authority.region if authority else "", repair_channel=row.repair_channel,
                      track=track.key, handled_in=track.handled_in or None, request=request.value,
                      state=CaseState.PENDING_ACCEPTANCE.value, deadline_kind="acceptance", deadline=acceptance.due,
                      provisional=acceptance.provisional, updated_at=now)


def reserve(session: Session, rules: Rules, principal: Principal, app_id: str, records: list[CreditRecord],
            cases: list[RepairCase], contact_phone: str, proofs: list[Proof], now: datetime,
            purpose: str = "proof", restructuring: Restructuring | None = None) -> ApplicationInput:
    """The application's rows in the filing's transaction: the application (online, or at a counter), its
    cases with their records reserved (a record another case took meanwhile is CASE_OPEN), the materials
    attached to their cases; answers what its workflow is started with. A repair's filing and an
    objection's (services/objecting.py) and a restructuring's (services/restructuring.py) share it."""
    channel = Channel.WINDOW if can_file_at_counter(principal) else Channel.ONLINE
    app = Application(id=app_id, subject_key=records[0].subject_key, subject_name=records[0].subject_name,
                      channel=channel.value, filed_by=principal.sub, filed_by_role=principal.role.value,
                      filed_by_name=(principal.name or "").strip()[:64] or None, contact_phone=contact_phone,
                      filed_at=now, query_code=store_cases.free_query_code(session))
    try:
        store_cases.file_application(session, app, cases)
    except store_cases.RecordTaken as taken:
        raise DomainError(Code.CASE_OPEN, record_ids=[taken.record_id]) from None
    case_of = {c.record_id: c.id for c in cases}
    for proof in proofs:
        if not store_materials.attach(session, proof.material_id, application_id=app_id,
                                      case_id=case_of[proof.record_id], record_id=proof.record_id, purpose=purpose):
            raise DomainError(Code.UNKNOWN_MATERIAL, material_ids=[proof.material_id])
    if restructuring is not None:
        session.add(restructuring)
    return application_input(app, cases, {r.id: r for r in records}, rules, restructuring)


async def start_filed(settings: Settings, temporal: Temporal, inp: ApplicationInput) -> bool:
    """The filed application's workflow started now, or (False) left to the outbox."""
    try:
        await asyncio.wait_for(start_application(await temporal.client(), settings, inp), START_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - any failure leaves the start to the outbox
        log.warning("application %s filed; its workflow did not start now (%s), the outbox will start it",
                    inp.application_id, type(exc).__name__)
        return False
    return True


def check_materials(session: Session, principal: Principal, subject: str, rows: list[CreditRecord],
                    proofs: list[Proof]) -> None:
    """Every material named was uploaded by the caller for this subject, is not used yet, and names one of
    the records filed for."""
    ids = {row.id for row in rows}
    found = {m.id: m for m in store_materials.unattached_of(session, [p.material_id for p in proofs],
                                                             principal.sub)}
    bad = [p.material_id for p in proofs
           if p.material_id not in found or p.record_id not in ids or found[p.material_id].subject_key != subject]
    if bad:
        raise DomainError(Code.UNKNOWN_MATERIAL, material_ids=bad)


def _check_proofs(session: Session, principal: Principal, subject: str, rows: list[CreditRecord],
                  proofs: list[Proof]) -> None:
    """Every material named was uploaded by the caller for this subject and not used yet, and names a record
    of the application; every record that asks for proof has one (domain/materials.py)."""
    check_materials(session, principal, subject, rows, proofs)
    proved = {p.record_id for p in proofs}
    missing = [row.id for row in rows if row.id not in proved
               and needs_proof(row.kind, row.penalty_types, row.obligations_fulfilled)]
    if missing:
        raise DomainError(Code.PROOF_REQUIRED, record_ids=missing)
