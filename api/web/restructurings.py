"""破产重整、和解 from the pages: an enterprise whose restructuring plan (or settlement agreement) a court approved
applies with that ruling for the records the plan covers, itself (from /my) or through a counter for the walk-in
it serves (from /window), on one form. The form is handed to the API's own service
(services/restructuring.file_restructuring), so the same checks refuse the same things with the same codes,
shown next to the fields they concern with what was typed kept.

The court's ruling is uploaded as the objection's evidence is (api/web/objections.py): a refused file is never
stored, every good one is kept at once and offered again with the form (已保留), so a refusal of another field
never drops it. The file is required (RULING_MATERIAL_REQUIRED), by the page as by the API, since each handler
checks the ruling against it."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from api import clock
from api.deps import RulesDep, SessionDep, SettingsDep, TemporalDep
from api.errors import field_error
from api.routes.materials import check_uploader
from api.schemas import RecordPublic, RestructuringCreate
from api.web.filing import judge_files, keep_files, offer_kept_list, records_of, uploads_in
from api.web.forms import FormState, refusal_status
from api.web.render import page
from api.web.session import applicant_signed_in, check_csrf, clerk_for
from config.rules import Rules
from config.settings import Settings
from domain.access import Principal, can_file_at_counter
from domain.authorities import Authority
from domain.eligibility import shown_state
from domain.errors import CATALOGUE, Code, DomainError
from domain.model import RecordState, Sector
from domain.restructuring import COVERED, KIND_LABELS, PLAN_LABELS, RestructuringKind, check_ruling
from services import restructuring
from services.db import in_session
from services.temporal import Temporal

router = APIRouter(include_in_schema=False)

# the form's own name of each refusal's field, where the catalogue's name is the API body's
FIELD_OF = {"kind": "kind", "court": "court", "ruling_no": "ruling_no", "ruled_on": "ruled_on",
            "record_ids": "record_ids", "contact_phone": "contact_phone", "materials": "ruling"}
RULING_MAX = 5  # RestructuringCreate.materials
RULING_NO_MAX = 100  # RestructuringCreate.ruling_no


def coverable(record: RecordPublic, today: date) -> bool:
    """Whether a plan can lift the record (domain.restructuring.COVERED) as the sites show it today: one past
    its maximum period is no longer shown, whether or not the daily sweep has ended it yet."""
    return shown_state(RecordState(record.state), record.max_publicity_end, today) in COVERED


def choices(records: list[RecordPublic], today: date) -> list[tuple[RecordPublic, str]]:
    """Every record a plan could cover, with why it cannot be chosen now ("" when it can): a record with an
    open case is shown, not offered (the service would refuse CASE_OPEN)."""
    return [(r, "已有申请正在办理，办结后可以申请" if r.open_case_id else "") for r in records if coverable(r, today)]


def restructuring_href(me: Principal, subject: str, records: list[RecordPublic]) -> str:
    """Where /my and /window link to the form, or "" while no record of the subject can be chosen."""
    if not any(not why for _, why in choices(records, clock.today())):
        return ""
    return f"/window/restructurings?subject={subject}" if can_file_at_counter(me) else "/my/restructurings"


def courts(rules: Rules) -> list[Authority]:
    """The courts the directory knows (the service refuses any other: UNKNOWN_COURT), in code order: the
    province's high court first, then each city's intermediate court."""
    return sorted((a for a in rules.directory if a.sector == Sector.COURT), key=lambda a: a.code)


def blank() -> FormState:
    return FormState(values={"kind": "", "court": "", "ruling_no": "", "ruled_on": "", "record_ids": [],
                             "contact_phone": "", "kept": [], "uploads": [], "kept_files": []})


def read_form(form: Any) -> FormState:
    return FormState(values={
        "kind": str(form.get("kind", "")), "court": str(form.get("court", ""))[:64],
        "ruling_no": str(form.get("ruling_no", "")), "ruled_on": str(form.get("ruled_on", "")).strip(),
        "record_ids": [str(v)[:32] for v in form.getlist("record_ids")][:50],
        "contact_phone": str(form.get("contact_phone", "")).strip(),
        # uploads kept from an earlier attempt of this form (a browser cannot keep a file input)
        "kept": [str(v)[:32] for v in form.getlist("kept")][:RULING_MAX],
        "uploads": uploads_in(form, "ruling"), "kept_files": []})


def _day(typed: str) -> date | None:
    try:
        return date.fromisoformat(typed)
    except ValueError:
        return None


def _check_ruling(state: FormState, today: date) -> date | None:
    """The ruling's day as typed, with the number and the day each checked as domain.restructuring.check_ruling
    checks them: it stops at the first refusal, the page names both at once."""
    v = state.values
    ruled_on = _day(v["ruled_on"])
    if ruled_on is None:
        state.errors["ruled_on"] = "请填写裁定日期" if not v["ruled_on"] else "裁定日期格式不正确，请按“年-月-日”填写"
    for number, day in ((v["ruling_no"], today), ("-", ruled_on or today)):
        try:
            check_ruling(number, day, today)
        except DomainError as refused:
            _refuse(state, refused)
    return ruled_on


def _check_choices(state: FormState, rules: Rules) -> None:
    """What the form asks to choose: the kind, the court (the service refuses one not a court: the page names
    it with the other refusals), at least one record."""
    v = state.values
    if v["kind"] not in {k.value for k in RestructuringKind}:
        state.errors["kind"] = "请选择破产重整或破产和解"
    if not v["court"]:
        state.errors["court"] = "请选择作出裁定的人民法院"
    elif v["court"] not in {a.code for a in courts(rules)}:
        state.errors["court"] = CATALOGUE[Code.UNKNOWN_COURT].message
    if not v["record_ids"]:
        state.errors["record_ids"] = CATALOGUE[Code.INVALID_RECORD_IDS].message


def _checked(state: FormState, subject: str, rules: Rules, today: date) -> RestructuringCreate | None:
    """The body as the API would take it, or None with the refusals written next to their fields."""
    _check_choices(state, rules)
    ruled_on = _check_ruling(state, today)
    v = state.values
    try:
        payload = RestructuringCreate(
            subject=subject, kind=v["kind"], court=v["court"] or "-", ruling_no=v["ruling_no"],
            ruled_on=ruled_on or today, record_ids=v["record_ids"] or ["-"], contact_phone=v["contact_phone"])
    except ValidationError as invalid:
        for err in invalid.errors():
            found = field_error(dict(err))
            where = found["field"].split(".")[0]
            if where == "ruling_no" and found["code"] == Code.INVALID_FIELD:
                found["message"] = f"裁定书文号不能超过{RULING_NO_MAX}字"
            if where in FIELD_OF:
                state.errors.setdefault(FIELD_OF[where], found["message"])
            else:
                state.general = state.general or found["message"]
        return None
    return payload if not state.errors else None


async def _keep_ruling(state: FormState, principal: Principal, subject: str, rules: Rules,
                       settings: Settings) -> None:
    """Each upload judged on its own (a good file is kept even when another one is refused), the good ones kept
    at once; the ruling is asked for when none is kept."""
    v = state.values
    judged, refused_files = [], []
    for upload in v["uploads"]:
        accepted, refused_file = await judge_files([upload], rules)
        judged += accepted
        refused_files += [refused_file] if refused_file else []
    if refused_files:
        state.errors["ruling"] = "；".join(refused_files)
    check_uploader(principal, subject)
    if len(v["kept"]) + len(judged) > RULING_MAX:
        state.errors["ruling"] = f"裁定书文件最多{RULING_MAX}个"
        return
    v["kept"] += await keep_files(judged, principal, subject, settings)
    if not v["kept"] and "ruling" not in state.errors:
        state.errors["ruling"] = CATALOGUE[Code.RULING_MATERIAL_REQUIRED].message


async def file(state: FormState, subject: str, principal: Principal, rules: Rules, settings: Settings,
               temporal: Temporal) -> str | None:
    """The application's id, or None with the refusals written into `state`."""
    today = clock.today()
    payload = _checked(state, subject, rules, today)
    try:
        await _keep_ruling(state, principal, subject, rules, settings)
    except DomainError as refused:
        if refusal_status(refused) in (403, 404):
            raise
        state.refuse(refused)
    if state.errors or state.general or payload is None:
        await offer_kept_list(state, principal, settings)
        return None
    asked = restructuring.RestructuringAsked(
        subject=payload.subject, kind=RestructuringKind(payload.kind), court=payload.court,
        ruling_no=payload.ruling_no, ruled_on=payload.ruled_on, record_ids=tuple(payload.record_ids),
        contact_phone=payload.contact_phone, material_ids=tuple(state.values["kept"]))
    try:
        filed = await restructuring.file_restructuring(settings, rules, temporal, principal, asked,
                                                       now=clock.now(), today=today)
    except DomainError as refused:
        if refusal_status(refused) == 403 or refused.code == Code.NOT_FOUND:
            raise
        _refuse(state, refused)
        await offer_kept_list(state, principal, settings)
        return None
    return filed.application.application_id


def _refuse(state: FormState, refused: DomainError) -> None:
    where = CATALOGUE[refused.code].field or ""
    if refused.code == Code.UNKNOWN_MATERIAL:
        state.values["kept"] = []  # none of them may be used again: ask for the files anew
        state.errors["ruling"] = refused.message
    elif where in FIELD_OF:
        state.errors.setdefault(FIELD_OF[where], refused.message)
    else:
        state.general = refused.message




def restructuring_page(request: Request, settings: Settings, rules: Rules, session: Session, me: Principal,
                       subject: str, state: FormState | None = None, *, status: int = 200) -> Response:
    """The form for `subject`: the records a plan can cover, the courts, what happens after filing."""
    today = clock.today()
    records = records_of(session, rules, subject, today)
    counter = can_file_at_counter(me)
    offered = choices(records, today)
    return page(request, settings, "restructuring.html", me, status=status, form=state or blank(),
                choices=offered, selectable=[r for r, why in offered if not why], courts=courts(rules),
                kinds=KIND_LABELS, plans=PLAN_LABELS, track=rules.policy.restructuring, today=today,
                ruling_max=RULING_MAX, ruling_no_max=RULING_NO_MAX, counter=counter, subject=subject,
                subject_name=records[0].subject.name if records else "",
                action="/window/restructurings" if counter else "/my/restructurings",
                back=f"/window?subject={subject}" if counter else "/my")






@router.get("/my/restructurings", response_class=HTMLResponse)
def my_restructuring(request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep) -> Response:
    me, subject = applicant_signed_in(request, settings)
    return restructuring_page(request, settings, rules, session, me, subject)


@router.post("/my/restructurings", response_class=HTMLResponse)
async def my_file(request: Request, settings: SettingsDep, rules: RulesDep, temporal: TemporalDep) -> Response:
    """Filed: to the progress page, as a repair filed on /my is."""
    form = await request.form()
    check_csrf(request, settings, form)
    me, subject = applicant_signed_in(request, settings)
    return await _filed_or_again(request, settings, rules, temporal, me, subject, form, "/applications/{}?filed=1")


@router.get("/window/restructurings", response_class=HTMLResponse)
def window_restructuring(request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep,
                         subject: str = "") -> Response:
    me, key = clerk_for(request, settings, subject)
    return restructuring_page(request, settings, rules, session, me, key)


@router.post("/window/restructurings", response_class=HTMLResponse)
async def window_file(request: Request, settings: SettingsDep, rules: RulesDep, temporal: TemporalDep) -> Response:
    """Filed on the walk-in enterprise's behalf (channel window, the clerk the filer): to the receipt the
    person takes away, as a repair filed at the counter is."""
    form = await request.form()
    check_csrf(request, settings, form)
    me, subject = clerk_for(request, settings, str(form.get("subject", "")))
    return await _filed_or_again(request, settings, rules, temporal, me, subject, form, "/applications/{}/receipt")


async def _filed_or_again(request: Request, settings: Settings, rules: Rules, temporal: Temporal, me: Principal,
                          subject: str, form: Any, done: str) -> Response:
    state = read_form(form)
    created = await file(state, subject, me, rules, settings, temporal)
    if created is not None:
        return RedirectResponse(done.format(created), status_code=303)
    return await in_session(settings, lambda s: restructuring_page(request, settings, rules, s, me, subject, state,
                                                                   status=422))
