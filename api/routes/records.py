from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import APIRouter, Form, Response, UploadFile
from fastapi.responses import FileResponse
from pydantic import ValidationError
from sqlmodel import Session
from temporalio.common import WorkflowIDReusePolicy

from api import clock, sheets
from api.deps import PrincipalDep, RulesDep, SessionDep, SettingsDep, TemporalDep
from api.errors import PDF, ApiError, field_error, forbidden, not_found, refusals
from api.present import record_public, record_withdrawal
from api.schemas import (
    BatchResult,
    CorrectionCreate,
    CorrectionPublic,
    DeliveryPublic,
    FieldChange,
    MessagePublic,
    ObligationsFulfilled,
    RecordBatch,
    RecordPublic,
    RowResult,
    WithdrawalCreate,
    WithdrawalPublic,
)
from api.uploads import read_capped
from config.loader import load_targets
from config.rules import Rules
from config.settings import Settings
from domain.access import Principal, can_read_letter, can_read_record_messages, can_register_record
from domain.correction import CORRECTABLE
from domain.errors import Code, DomainError
from domain.identifiers import mask_phone
from domain.model import Role
from domain.withdrawal import WithdrawalCause
from services import importing, record_life, registering
from services.commands import RecordCreate
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
               Code.INVALID_SEVERITY, Code.INVALID_DATE, Code.NO_TRACK, write=True)})
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



@router.get("/records/import-template.xlsx", response_class=Response,
            responses={200: sheets.XLSX, **refusals(Code.FORBIDDEN)})
def import_template(principal: PrincipalDep, rules: RulesDep) -> Response:
    """The .xlsx template for bulk registration (integrators, admin): one sheet of records with Chinese headers
    (a comment on each), drop-down lists for the kind, severity and yes/no columns, and a guide sheet with
    each column's allowed values. Fill it and send it to POST /records/import (or `xiufu import`)."""
    if principal.role not in (Role.INTEGRATOR, Role.ADMIN):
        raise forbidden("导入模板供信息报送单位的对接人员使用")
    return Response(importing.template(rules.policy.penalty_types), media_type=importing.XLSX_TYPE, headers={
        "Content-Disposition": "attachment; filename=\"import-template.xlsx\"; "
                               f"filename*=UTF-8''{quote('失信信息批量登记模板.xlsx')}"})


@router.post("/records/import", response_model=sheets.ImportResult, responses=refusals(
    Code.FORBIDDEN, Code.IMPORT_NOT_XLSX, Code.IMPORT_BAD_HEADER, Code.IMPORT_NO_ROWS, Code.IMPORT_TOO_MANY_ROWS,
    write=True))
async def import_records(file: UploadFile, issuer: str | None = Form(None, max_length=64), *,
                         principal: PrincipalDep, rules: RulesDep, settings: SettingsDep,
                         temporal: TemporalDep) -> sheets.ImportResult:
    """Bulk registration from a filled template (multipart `file`; `issuer` defaults to the integrator's own
    authority, the admin names it). Each row is answered by its row number: one the sheet cannot even be read
    for (a bad date, an unknown kind label) with its code and the column; the others registered as
    POST /records/batch registers them (idempotent per row, NO_TRACK, RECORD_CONFLICT, letters in the
    background). At most 1,000 rows a file; a file that is no .xlsx workbook is refused (IMPORT_NOT_XLSX)."""
    data, size = await read_capped(file, sheets.MAX_FILE_BYTES)
    if size > sheets.MAX_FILE_BYTES:
        raise ApiError(Code.BODY_TOO_LARGE, "文件过大，请分成几个文件导入（每个文件至多1000行）")
    return await register_sheet(data, issuer, principal, rules, settings, temporal)


async def register_sheet(data: bytes, issuer: str | None, principal: Principal, rules: Rules, settings: Settings,
                         temporal: Temporal) -> sheets.ImportResult:
    """The reading (services/importing.py), then the good rows through create_records, the batch's own path:
    the page /import calls this too."""
    issuer = issuer or principal.authority
    if not issuer or not can_register_record(principal, issuer):
        raise forbidden("只能登记本单位的失信信息" if issuer else "请指定登记单位（issuer）")
    sheet = importing.read(data, issuer)
    bodies = [body for _, body in sheet.bodies]
    batch = await create_records(RecordBatch(records=bodies), principal, rules, settings, temporal) if bodies else None
    result = sheets.merged(sheet, batch)
    log.info("sheet of %d rows for %s: %d created, %d existing, %d errors", len(result.rows), issuer,
             result.created, result.existing, result.failed)
    return result


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


def _sites(settings: Settings) -> int:
    return len(load_targets(settings.config_dir, settings.simulator_url))


def _acks(session: Session, record_id: str, action: str) -> list[DeliveryPublic]:
    """The sites' acknowledgements of a delivery about the record itself (a withdrawal, a correction's version)."""
    return [DeliveryPublic(target=d.target, target_name=d.target_name, acknowledged_at=d.acknowledged_at)
            for d in store_records.deliveries_of(session, record_id, action)]


def _withdrawal(session: Session, principal: Principal, settings: Settings, record_id: str) -> WithdrawalPublic:
    row = record_life.issuers_record(session, principal, record_id)
    return WithdrawalPublic(record_id=row.id, state=row.state, withdrawal=record_withdrawal(row),
                            sites_total=_sites(settings), acknowledged=_acks(session, record_id, "withdraw"))


@router.post("/records/{record_id}/withdrawal", response_model=WithdrawalPublic, status_code=202,
             responses={200: {"model": WithdrawalPublic, "description": "withdrawn already: nothing new started"},
                        **refusals(Code.NOT_FOUND, Code.TEMPORAL_UNAVAILABLE, write=True)})
async def withdraw(record_id: str, payload: WithdrawalCreate, principal: PrincipalDep, settings: SettingsDep,
                   temporal: TemporalDep, response: Response) -> WithdrawalPublic:
    """The issuer (its integrator, or the admin) tells the hub the record's decision no longer stands: revoked
    on reconsideration, annulled or revoked by a court, or revoked by the authority itself. The record is
    marked withdrawn (an application for it is refused), an application open for it is closed with the
    applicant told by SMS, every site is told to take it off within `time_limits.record_withdrawal` working
    days (3, 市场监管总局令第45号 第十一条; missed, the supervisors are told), and the subject is texted once all
    have. 202: started (follow it with GET); 200: started before, nothing new."""
    _, started = await record_life.withdraw(settings, temporal, principal, record_id,
                                            cause=WithdrawalCause(payload.cause), basis=payload.basis,
                                            reason=payload.reason, now=clock.now())
    if not started:
        response.status_code = 200
    return await in_session(settings, lambda s: _withdrawal(s, principal, settings, record_id))


@router.get("/records/{record_id}/withdrawal", response_model=WithdrawalPublic, responses=refusals(Code.NOT_FOUND))
def withdrawal(record_id: str, principal: PrincipalDep, settings: SettingsDep, session: SessionDep) -> WithdrawalPublic:
    """The withdrawal as it goes: the record's state, why and until when, and each site that has taken it off."""
    return _withdrawal(session, principal, settings, record_id)


def _changes(changes: dict[str, list[str | None]] | dict[str, tuple[str | None, str | None]]) -> list[FieldChange]:
    return [FieldChange(field=f, label=CORRECTABLE.get(f, f), old=old, new=new) for f, (old, new) in changes.items()]


@router.post("/records/{record_id}/corrections", response_model=CorrectionPublic, status_code=202,
             responses=refusals(Code.NOT_FOUND, Code.NOT_CORRECTABLE, Code.NOTHING_TO_CORRECT, Code.INVALID_FINE_AMOUNT,
                                Code.RECORD_WITHDRAWN, Code.CORRECTION_IN_PROGRESS, Code.TEMPORAL_UNAVAILABLE,
                                write=True))
async def correct(record_id: str, payload: CorrectionCreate, principal: PrincipalDep, settings: SettingsDep,
                  temporal: TemporalDep) -> CorrectionPublic:
    """The issuer (its integrator, or the admin) corrects a registered record: the subject's name, the fine's
    amount or the summary (`changes`: field → new value), with a reason. The correction makes the record's
    next version (the old values kept, `GET .../versions`) and its new content is sent to every site; the
    fields that decide the publicity period are not corrected here (withdraw and register again). 202: started
    (its version in the answer); a second correction while one is being applied: 409."""
    _, correction = await record_life.correct(settings, temporal, principal, record_id, asked=payload.changes,
                                              reason=payload.reason, now=clock.now())
    return CorrectionPublic(record_id=record_id, version=correction.version, changes=_changes(correction.changes),
                            reason=correction.reason, sites_total=_sites(settings))


@router.get("/records/{record_id}/versions", response_model=list[CorrectionPublic], responses=refusals(Code.NOT_FOUND))
def versions(record_id: str, principal: PrincipalDep, settings: SettingsDep,
             session: SessionDep) -> list[CorrectionPublic]:
    """Every correction of the record, oldest first: what it changed from what, why, when, and which sites
    have shown the new content."""
    record_life.issuers_record(session, principal, record_id)
    total = _sites(settings)
    return [CorrectionPublic(record_id=record_id, version=v.version, changes=_changes(v.changes), reason=v.reason,
                             corrected_at=v.corrected_at, objection_case_id=v.case_id, sites_total=total,
                             acknowledged=_acks(session, record_id, f"correct:v{v.version}"))
            for v in store_records.versions_of(session, record_id)]


@router.post("/records/{record_id}/obligations-fulfilled", response_model=RecordPublic, status_code=201,
             responses={200: {"model": RecordPublic, "description": "already known to be fulfilled: nothing changed"},
                        **refusals(Code.NOT_FOUND, Code.FULFILLED_IN_FUTURE, Code.INVALID_DATE, write=True)})
async def confirm_obligations(record_id: str, payload: ObligationsFulfilled, principal: PrincipalDep,
                              rules: RulesDep, settings: SettingsDep, response: Response) -> RecordPublic:
    """The issuer (its integrator, or the admin) confirms the record's obligations fulfilled after it was
    registered, for example a fine paid later: an application for it then asks for no proof, and the
    eligibility no longer names unpaid obligations. Sent again, it answers 200 and changes nothing."""
    today = clock.today()
    row, changed = await in_session(settings, lambda s: record_life.confirm_obligations(
        s, principal, record_id, payload.fulfilled_on, today))
    if not changed:
        response.status_code = 200
    return record_public(row, rules, today)
