from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse
from pydantic import ValidationError
from sqlmodel import Session
from temporalio.common import WorkflowIDReusePolicy

from api import clock
from api.deps import PrincipalDep, RulesDep, SessionDep, SettingsDep, TemporalDep
from api.errors import PDF, ApiError, field_error, not_found, refusals
from api.present import record_public
from api.schemas import BatchResult, MessagePublic, RecordBatch, RecordPublic, RowResult
from domain.access import can_read_letter, can_read_record_messages
from domain.errors import Code, DomainError
from domain.identifiers import mask_phone
from services import registering
from services.commands import RecordCreate
from services.db import in_session
from services.temporal import made_on_request
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
    under the same key answers 409 (services/registering.py)."""
    today, now = clock.today(), clock.now()
    row, created = await in_session(settings, lambda s: registering.register(s, rules, principal, payload, today, now))
    if not created:
        response.status_code = 200
    else:
        log.info("record registered id=%s issuer=%s kind=%s", row.id, row.issuer, row.kind)
    if row.kind in registering.NOTICE_KINDS:
        await registering.start_notice(temporal, row.id)
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
                row, created = registering.register(session, rules, principal, payload, today, now)
            except ValidationError as exc:
                errors = [field_error(e) for e in exc.errors()]
                out.append((RowResult(index=index, status="error", code=errors[0]["code"],
                                      message=errors[0]["message"], errors=errors), None))
                continue
            except DomainError as exc:
                out.append((RowResult(index=index, status="error", code=exc.code, message=exc.message), None))
                continue
            kind = row.kind if created else None
            out.append((RowResult(index=index, status="created" if created else "existing", id=row.id), kind))
        return out

    rows = await in_session(settings, register_all)
    letters = [r.id for r, kind in rows if kind in registering.NOTICE_KINDS and r.id]
    if letters:
        await registering.start_letter_batch(temporal, letters)
    results = [r for r, _ in rows]
    log.info("batch of %d records: %d created, %d errors", len(results),
             sum(r.status == "created" for r in results), sum(r.status == "error" for r in results))
    return BatchResult(created=sum(r.status == "created" for r in results),
                       existing=sum(r.status == "existing" for r in results),
                       failed=sum(r.status == "error" for r in results), results=results)


LETTER_WAIT_S = 30


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
    if record.kind not in registering.NOTICE_KINDS:
        raise not_found("该信息的告知书")
    letter = await in_session(settings, lambda s: store_letters.get(s, record_id))
    if letter is None:  # not rendered yet: have the worker render it now (the API renders nothing itself)
        started = registering.notice(temporal, record_id, WorkflowIDReusePolicy.ALLOW_DUPLICATE)
        await made_on_request(started, LETTER_WAIT_S, f"letter of {record_id}", Code.LETTER_NOT_READY)
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
