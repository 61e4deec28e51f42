from __future__ import annotations

import asyncio
import logging
import uuid
from urllib.parse import quote

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse
from pydantic import ValidationError
from sqlmodel import Session
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from api import clock
from api.deps import PrincipalDep, RulesDep, SessionDep, SettingsDep, TemporalDep
from api.errors import PDF, ApiError, field_error, forbidden, not_found, refusals
from api.intake import register
from api.present import record_public
from api.schemas import BatchResult, MessagePublic, RecordBatch, RecordCreate, RecordPublic, RowResult
from contracts.letters import (
    LETTER_BATCH_WORKFLOW,
    PENALTY_NOTICE_WORKFLOW,
    LetterBatchInput,
    NoticeInput,
    notice_workflow_id,
)
from domain.access import can_read_letter, can_read_record_messages, can_register_record
from domain.errors import Code, DomainError
from domain.identifiers import mask_phone
from domain.model import RecordKind
from services.db import in_session
from services.temporal import Temporal, made_on_request
from store import letters as store_letters
from store import messages as store_messages
from store import records as store_records

router = APIRouter(prefix="/api/v1", tags=["records"])
log = logging.getLogger("xiufu.intake")


@router.post("/records", response_model=RecordPublic, status_code=201, responses={
    200: {"model": RecordPublic, "description": "already registered with the same body"},
    **refusals(Code.FORBIDDEN, Code.RECORD_CONFLICT, Code.UNKNOWN_ISSUER, Code.UNKNOWN_PENALTY_TYPE,
               Code.PENALTY_TYPES_NOT_ALLOWED, Code.ABNORMAL_LIST_ISSUER, Code.DECIDED_IN_FUTURE, Code.INVALID_USCC,
               Code.INVALID_ID_NUMBER, Code.INVALID_PHONE, Code.SUBJECT_KEY_REQUIRED, Code.INVALID_KIND,
               Code.INVALID_SEVERITY, Code.INVALID_DATE, write=True)})
async def create_record(
    payload: RecordCreate, principal: PrincipalDep, rules: RulesDep, settings: SettingsDep, response: Response,
    temporal: TemporalDep,
) -> RecordPublic:
    """Register a dishonesty record (integrator of the issuing authority, or admin).

    Idempotent on (issuer, record_no): the same body again answers the same id with 200; another body
    under the same key answers 409."""
    if rules.directory.get(payload.issuer) is not None and not can_register_record(principal, payload.issuer):
        raise forbidden("只有认定单位的对接系统可以登记其作出的失信信息")
    today, now = clock.today(), clock.now()
    row, created = await in_session(settings, lambda s: register(s, rules, principal, payload, today, now))
    if not created:
        response.status_code = 200
    else:
        log.info("record registered id=%s issuer=%s kind=%s", row.id, row.issuer, row.kind)
    if row.kind in NOTICE_KINDS:
        await start_notice(temporal, row.id)
    return record_public(row, rules, clock.today())


@router.post("/records/batch", response_model=BatchResult, responses=refusals(Code.INVALID_BATCH, write=True))
async def create_records(batch: RecordBatch, principal: PrincipalDep, rules: RulesDep,
                         settings: SettingsDep, temporal: TemporalDep) -> BatchResult:
    """Bulk registration (the existing stock of records): up to 1,000 a call, each row answered with its id
    or its own error; one bad row never sinks the others. Idempotent per row like POST /records. Their
    letters are rendered in the background in chunks (a letter asked for earlier is rendered at once)."""
    today, now = clock.today(), clock.now()

    def register_all(session: Session) -> list[tuple[RowResult, str | None]]:
        out = []
        for index, raw in enumerate(batch.records):
            try:
                payload = RecordCreate.model_validate(raw)
                if rules.directory.get(payload.issuer) is not None and not can_register_record(
                        principal, payload.issuer):
                    raise forbidden("只有认定单位的对接系统可以登记其作出的失信信息")
                row, created = register(session, rules, principal, payload, today, now)
            except ValidationError as exc:
                errors = [field_error(e) for e in exc.errors()]
                out.append((RowResult(index=index, status="error", code=errors[0]["code"],
                                      message=errors[0]["message"], errors=errors), None))
                continue
            except (DomainError, ApiError) as exc:
                out.append((RowResult(index=index, status="error", code=exc.code, message=exc.message), None))
                continue
            kind = row.kind if created else None
            out.append((RowResult(index=index, status="created" if created else "existing", id=row.id), kind))
        return out

    rows = await in_session(settings, register_all)
    letters = [r.id for r, kind in rows if kind in NOTICE_KINDS and r.id]
    if letters:
        await start_letter_batch(temporal, letters)
    results = [r for r, _ in rows]
    log.info("batch of %d records: %d created, %d errors", len(results),
             sum(r.status == "created" for r in results), sum(r.status == "error" for r in results))
    return BatchResult(created=sum(r.status == "created" for r in results),
                       existing=sum(r.status == "existing" for r in results),
                       failed=sum(r.status == "error" for r in results), results=results)


async def start_letter_batch(temporal: Temporal, record_ids: list[str]) -> None:
    try:
        client = await temporal.client()
        await asyncio.wait_for(client.start_workflow(
            LETTER_BATCH_WORKFLOW, LetterBatchInput(record_ids=record_ids), id=f"letters-{uuid.uuid4().hex[:20]}",
            task_queue=temporal.settings.task_queue), timeout=5)
    except Exception as exc:  # noqa: BLE001 - the records stand; each letter is made on its first request
        log.warning("letter batch of %d not started (%s): letters are made on first request", len(record_ids),
                    type(exc).__name__)


NOTICE_KINDS = {RecordKind.PENALTY.value, RecordKind.SERIOUS_LIST.value}
LETTER_WAIT_S = 30


async def notice(temporal: Temporal, record_id: str, reuse: WorkflowIDReusePolicy):  # type: ignore[no-untyped-def]
    client = await temporal.client()
    return await asyncio.wait_for(client.start_workflow(
        PENALTY_NOTICE_WORKFLOW, NoticeInput(record_id=record_id), id=notice_workflow_id(record_id),
        task_queue=temporal.settings.task_queue, id_reuse_policy=reuse,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING), timeout=5)


async def start_notice(temporal: Temporal, record_id: str) -> None:
    """Starts the record's PenaltyNoticeWorkflow (两书同达) once: its id is the record's, and a finished one
    is not started again. If Temporal does not answer, the letter is made on its first request."""
    try:
        await notice(temporal, record_id, WorkflowIDReusePolicy.REJECT_DUPLICATE)
    except WorkflowAlreadyStartedError:
        pass
    except Exception as exc:  # noqa: BLE001 - the record stands; its letter is made on first request
        log.warning("notice workflow for %s not started (%s): its letter is made on first request",
                    record_id, type(exc).__name__)


@router.get("/records/{record_id}/letter.pdf", response_class=FileResponse,
            responses={200: PDF, **refusals(Code.NOT_FOUND, Code.LETTER_NOT_READY, Code.TEMPORAL_UNAVAILABLE)})
async def letter_pdf(record_id: str, principal: PrincipalDep, settings: SettingsDep,
                     temporal: TemporalDep) -> FileResponse:
    """The repair reminder letter served with the decision (两书同达), for the enforcement system to print:
    the issuer's integrator and caseworkers, the subject, the admin. Rendered at registration; a letter
    not rendered yet (a bulk import still in progress) is rendered on this first request."""
    record = await in_session(settings, lambda s: store_records.get(s, record_id))
    if record is None or not can_read_letter(principal, issuer=record.issuer, subject_key=record.subject_key):
        raise not_found("该信息的告知书")
    if record.kind not in NOTICE_KINDS:
        raise not_found("该信息的告知书")
    letter = await in_session(settings, lambda s: store_letters.get(s, record_id))
    if letter is None:  # not rendered yet: have the worker render it now (the API renders nothing itself)
        await made_on_request(notice(temporal, record_id, WorkflowIDReusePolicy.ALLOW_DUPLICATE), LETTER_WAIT_S,
                              f"letter of {record_id}", Code.LETTER_NOT_READY)
        letter = await in_session(settings, lambda s: store_letters.get(s, record_id))
        if letter is None:
            raise ApiError(Code.LETTER_NOT_READY)
    filename = f"信用修复告知书-{record.record_no}.pdf"
    return FileResponse(settings.letters_dir / letter.path, media_type="application/pdf", headers={
        "Content-Disposition": f"inline; filename=\"letter-{record_id}.pdf\"; filename*=UTF-8''{quote(filename)}"})


@router.get("/records/{record_id}/notifications", response_model=list[MessagePublic],
            responses=refusals(Code.NOT_FOUND))
def notifications(record_id: str, principal: PrincipalDep, session: SessionDep) -> list[MessagePublic]:
    """Every message the platform sent about the record (letter ready, repair reminders), with its status
    and the phone masked: for the admin and the issuing authority."""
    record = store_records.get(session, record_id)
    if record is None or not can_read_record_messages(principal, record.issuer):
        raise not_found("该信息的通知记录")
    return [MessagePublic(id=m.id, purpose=m.purpose, phone_masked=mask_phone(m.phone), text=m.text,
                          status=m.status, created_at=m.created_at, sent_at=m.sent_at, error=m.error)
            for m in store_messages.of_record(session, record_id)]
