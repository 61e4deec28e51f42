"""异议申诉 from the pages: the subject (from /my) or a counter for the walk-in it serves (from /window) objects to
a published record's content, or to a refusal of its repair (不予受理, 不予修复), on one form per record. The form
is handed to the API's own service (services/objecting.file_objection), so the same checks refuse the same
things with the same codes, shown next to the fields they concern with what was typed kept.

Evidence is uploaded as the repair form's proofs are (api/web/filing.py): a refused file is never stored,
every good one is kept at once and offered again with the form (已保留), so a refusal of another field never
drops it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from api import clock
from api.deps import RulesDep, SessionDep, SettingsDep, TemporalDep
from api.errors import field_error, not_found
from api.present import authority_name, record_public
from api.routes.materials import check_uploader
from api.schemas import ApplicationPublic, CasePublic, ObjectionCreate, RecordPublic
from api.web.filing import judge_files, keep_files, offer_kept_list, published_on, uploads_in
from api.web.forms import FormState, refusal_status
from api.web.render import page
from api.web.session import applicant_signed_in, check_csrf, clerk_for
from config.rules import Rules
from config.settings import Settings
from domain.access import Principal, can_apply_for, can_file_at_counter
from domain.correction import CORRECTABLE
from domain.errors import CATALOGUE, Code, DomainError
from domain.model import RecordState, RequestKind
from domain.objection import GROUND_LABELS, OBJECTABLE, REFUSALS, STATEMENT_MAX, ObjectionGround, ground_of
from domain.transitions import STATE_LABELS, Action, CaseState
from services import objecting
from services.db import in_session
from services.temporal import Temporal
from store import cases as store_cases
from store import records as store_records
from store.models import RepairCase

router = APIRouter(include_in_schema=False)

# the form's own name of each refusal's field, where the catalogue's name is the API body's
FIELD_OF = {"contact_phone": "contact_phone", "statement": "statement", "ground": "ground",
            "refused_case_id": "refused_case_id"}
EVIDENCE_MAX = 20  # ObjectionCreate.materials


@dataclass(frozen=True)
class Refusal:
    """A refusal of the record's repair that may be objected to, as the form offers it."""

    case_id: str
    application_id: str
    state_label: str  # 不予受理 | 不予修复
    handler_name: str
    decided_at: datetime | None
    reason: str


def objectable(record: RecordPublic, today: date) -> bool:
    """Whether a site shows the record, so that it can be objected to."""
    return _shown(record.state, record.max_publicity_end, today)


def _shown(state: str, max_publicity_end: date, today: date) -> bool:
    """domain.objection.OBJECTABLE; a record past its maximum period is no longer shown, whether or not the daily
    sweep has ended it yet (as services/objecting checks it)."""
    return RecordState(state) in OBJECTABLE and max_publicity_end >= today


def refusals_of(session: Session, rules: Rules, record_id: str) -> list[Refusal]:
    """The record's refusals not objected to yet, newest first (the record is the subject's: the caller checked)."""
    return [_refusal(session, rules, case) for case in store_cases.refused_cases_of(session, record_id)
            if store_cases.objection_of_refusal(session, case.id) is None]


def _refusal(session: Session, rules: Rules, case: RepairCase) -> Refusal:
    said = [e for e in store_cases.events_of(session, [case.id])
            if e.action in (Action.REJECT.value, Action.DENY.value)]
    return Refusal(case_id=case.id, application_id=case.application_id,
                   state_label=STATE_LABELS[CaseState(case.state)], handler_name=authority_name(rules, case.handler),
                   decided_at=said[-1].at if said else None, reason=said[-1].reason if said else "")


def refused_of(session: Session, rules: Rules, cases: list[CasePublic]) -> dict[str, Refusal]:
    """The refusal each objection among `cases` objects to (by the objection's case id), as it reads to people."""
    found = {}
    for c in cases:
        refused = store_cases.get_case(session, c.objection.refused_case_id) if (
            c.objection and c.objection.refused_case_id) else None
        if refused is not None:
            found[c.id] = _refusal(session, rules, refused)
    return found


def progress_extras(session: Session, rules: Rules, me: Principal, subject: str,
                    view: ApplicationPublic) -> dict[str, Any]:
    """What the progress page (and its live part) shows of objections beyond the API's progress: the refusal an
    objection is about, and for a refused repair the way to object to it (for who may file for the subject:
    the subject, a counter), while that can still be done."""
    links = {}
    if can_apply_for(me, subject):  # the application's subject key (view.subject is masked for a person)
        offered = objectable_refusals(session, view.cases)
        links = {c.id: objection_href(me, subject, c.record_id, c.id) for c in view.cases if c.id in offered}
    return {"refused_of": refused_of(session, rules, view.cases), "object_links": links}


def objectable_refusals(session: Session, cases: list[CasePublic]) -> set[str]:
    """The refused repair cases whose refusal may still be objected to: not objected to yet, and the record
    still shown."""
    offered = set()
    for case in cases:
        if case.request != RequestKind.REPAIR or CaseState(case.state) not in REFUSALS:
            continue
        row = store_records.get(session, case.record_id)
        if row is None or not _shown(row.state, row.max_publicity_end, clock.today()):
            continue
        if store_cases.objection_of_refusal(session, case.id) is None:
            offered.add(case.id)
    return offered


def objection_links(me: Principal, subject: str, records: list[RecordPublic]) -> list[tuple[RecordPublic, str]]:
    """Each record a site shows, with the address of its objection form; "" while a case is open on it (the
    API would refuse CASE_OPEN: it is objected to once that case has ended)."""
    today = clock.today()
    return [(r, "" if r.open_case_id else objection_href(me, subject, r.id)) for r in records if objectable(r, today)]


def objection_href(me: Principal, subject: str, record_id: str, refused: str = "") -> str:
    """Where the form for a record is, for the applicant or the counter."""
    tail = f"&refused={refused}" if refused else ""
    if can_file_at_counter(me):
        return f"/window/objections?subject={subject}&record={record_id}{tail}"
    return f"/my/objections?record={record_id}{tail}"


def blank(refusals: list[Refusal], refused: str = "") -> FormState:
    chosen = refused if any(r.case_id == refused for r in refusals) else ""
    return FormState(values={"ground": ObjectionGround.REFUSAL.value if chosen else "", "refused_case_id": chosen,
                             "statement": "", "contact_phone": "", "claimed": dict.fromkeys(CORRECTABLE, ""),
                             "kept": [], "uploads": [], "kept_files": []})


def read_form(form: Any) -> FormState:
    return FormState(values={
        "ground": str(form.get("ground", "")), "refused_case_id": str(form.get("refused_case_id", ""))[:32],
        "statement": str(form.get("statement", "")), "contact_phone": str(form.get("contact_phone", "")).strip(),
        "claimed": {f: str(form.get(f"claimed-{f}", "")).strip() for f in CORRECTABLE},
        # uploads kept from an earlier attempt of this form (a browser cannot keep a file input)
        "kept": [str(v)[:32] for v in form.getlist("kept")][:EVIDENCE_MAX],
        "uploads": uploads_in(form, "evidence"), "kept_files": []})


def _checked(state: FormState, subject: str, record_id: str) -> ObjectionCreate | None:
    """The body as the API would take it, or None with the refusals written next to their fields."""
    v = state.values
    if v["ground"] not in {g.value for g in ObjectionGround}:
        state.errors["ground"] = "请选择异议类型"
    elif v["ground"] == ObjectionGround.REFUSAL and not v["refused_case_id"]:
        state.errors["refused_case_id"] = "请选择所针对的不予受理或不予修复决定"
    if not v["statement"].strip():
        state.errors["statement"] = CATALOGUE[Code.STATEMENT_REQUIRED].message
    try:
        return ObjectionCreate(
            subject=subject, record_id=record_id, ground=v["ground"] or ObjectionGround.CONTENT.value,
            refused_case_id=v["refused_case_id"] if v["ground"] == ObjectionGround.REFUSAL else None,
            statement=v["statement"], claimed={f: x for f, x in v["claimed"].items() if x},
            contact_phone=v["contact_phone"])
    except ValidationError as invalid:
        for err in invalid.errors():
            found = field_error(dict(err))
            where = found["field"].replace("claimed.", "claimed-")
            if where == "statement" and found["code"] == Code.INVALID_FIELD:
                found["message"] = f"异议的事实和理由不能超过{STATEMENT_MAX}字"
            key = where if where in FIELD_OF or where.startswith("claimed-") else "general"
            if key == "general":
                state.general = state.general or found["message"]
            else:
                state.errors.setdefault(key, found["message"])
        return None


async def file(state: FormState, subject: str, record_id: str, principal: Principal, rules: Rules,
               settings: Settings, temporal: Temporal) -> str | None:
    """The application's id, or None with the refusals written into `state`."""
    payload = _checked(state, subject, record_id)
    v = state.values
    judged, refusals = [], []
    for upload in v["uploads"]:  # each on its own: a good file is kept even when another one is refused
        accepted, refused_file = await judge_files([upload], rules)
        judged += accepted
        refusals += [refused_file] if refused_file else []
    if refusals:
        state.errors["evidence"] = "；".join(refusals)
    try:
        check_uploader(principal, subject)
        if len(v["kept"]) + len(judged) > EVIDENCE_MAX:
            state.errors["evidence"] = f"证据材料最多{EVIDENCE_MAX}个"
        else:
            v["kept"] += await keep_files(judged, principal, subject, settings)
    except DomainError as refused:
        if refusal_status(refused) in (403, 404):
            raise
        state.refuse(refused)
    if state.errors or state.general or payload is None:
        await offer_kept_list(state, principal, settings)
        return None
    asked = objecting.ObjectionAsked(
        subject=payload.subject, record_id=payload.record_id, ground=ground_of(payload.ground),
        statement=payload.statement, contact_phone=payload.contact_phone, refused_case_id=payload.refused_case_id,
        claimed=payload.claimed, material_ids=tuple(v["kept"]))
    try:
        filed = await objecting.file_objection(settings, rules, temporal, principal, asked, now=clock.now(),
                                               today=clock.today())
    except DomainError as refused:
        if refusal_status(refused) == 403 or refused.code == Code.NOT_FOUND:
            raise
        _refuse(state, refused)
        await offer_kept_list(state, principal, settings)
        return None
    return filed.application.application_id


def _refuse(state: FormState, refused: DomainError) -> None:
    where = CATALOGUE[refused.code].field
    if refused.code == Code.UNKNOWN_MATERIAL:
        state.values["kept"] = []  # none of them may be used again: ask for the files anew
        state.errors["evidence"] = refused.message
    elif where in FIELD_OF:
        state.errors[FIELD_OF[where]] = refused.message
    else:  # the record itself (not this subject's, no longer shown, a case open on it): no field of the form
        state.general = refused.message




def objection_page(request: Request, settings: Settings, rules: Rules, session: Session, me: Principal,
                   subject: str, record_id: str, state: FormState | None = None, *, refused: str = "",
                   status: int = 200) -> Response:
    """The form for one record of `subject` (404 for a record not the subject's, as the API answers)."""
    row = store_records.get(session, record_id[:32])
    if row is None or row.subject_key != subject:
        raise not_found("失信信息")
    today = clock.today()
    record = record_public(row, rules, today)
    refusals = refusals_of(session, rules, row.id)
    counter = can_file_at_counter(me)
    claimable = [("subject_name", record.subject.name), ("summary", record.summary or "")]
    if record.fine_amount is not None or "罚款" in record.penalty_types:
        claimable.insert(1, ("fine_amount", f"{record.fine_amount:,.2f} 元" if record.fine_amount else "未登记"))
    return page(request, settings, "objection.html", me, status=status, record=record, refusals=refusals,
                form=state or blank(refusals, refused), objectable=objectable(record, today),
                open_case=bool(row.open_case_id), labels=CORRECTABLE, claimable=claimable,
                grounds=GROUND_LABELS, statement_max=STATEMENT_MAX, evidence_max=EVIDENCE_MAX,
                published_on=published_on(settings), counter=counter, subject=subject,
                action="/window/objections" if counter else "/my/objections",
                back=f"/window?subject={subject}" if counter else "/my")






@router.get("/my/objections", response_class=HTMLResponse)
def my_objection(request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep, record: str = "",
                 refused: str = "") -> Response:
    me, subject = applicant_signed_in(request, settings)
    return objection_page(request, settings, rules, session, me, subject, record, refused=refused[:32])


@router.post("/my/objections", response_class=HTMLResponse)
async def my_object(request: Request, settings: SettingsDep, rules: RulesDep, temporal: TemporalDep) -> Response:
    """Filed: to the progress page, as a repair filed on /my is."""
    form = await request.form()
    check_csrf(request, settings, form)
    me, subject = applicant_signed_in(request, settings)
    return await _filed_or_again(request, settings, rules, temporal, me, subject, form, "/applications/{}?objected=1")


@router.get("/window/objections", response_class=HTMLResponse)
def window_objection(request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep,
                     subject: str = "", record: str = "", refused: str = "") -> Response:
    me, key = clerk_for(request, settings, subject)
    return objection_page(request, settings, rules, session, me, key, record, refused=refused[:32])


@router.post("/window/objections", response_class=HTMLResponse)
async def window_object(request: Request, settings: SettingsDep, rules: RulesDep, temporal: TemporalDep) -> Response:
    """Filed on the walk-in subject's behalf (channel window, the clerk the filer): to the receipt the person
    takes away, as a repair filed at the counter is."""
    form = await request.form()
    check_csrf(request, settings, form)
    me, subject = clerk_for(request, settings, str(form.get("subject", "")))
    return await _filed_or_again(request, settings, rules, temporal, me, subject, form, "/applications/{}/receipt")


async def _filed_or_again(request: Request, settings: Settings, rules: Rules, temporal: Temporal, me: Principal,
                          subject: str, form: Any, done: str) -> Response:
    record_id = str(form.get("record_id", ""))[:32]
    state = read_form(form)
    created = await file(state, subject, record_id, me, rules, settings, temporal)
    if created is not None:
        return RedirectResponse(done.format(created), status_code=303)
    return await in_session(settings, lambda s: objection_page(request, settings, rules, s, me, subject, record_id,
                                                               state, status=422))
