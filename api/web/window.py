"""The service-centre counter (窗口): find a subject by USCC or ID number, see its records, file one
application on its behalf (channel `window`, the clerk recorded as the filer), and print the acceptance
receipt (受理回执) for the person at the counter."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from api import clock
from api.cases_view import application_public, looked_up_progress
from api.deps import RulesDep, SessionDep, SettingsDep, TemporalDep
from api.errors import forbidden
from api.schemas import ApplicationPublic
from api.web.filing import file, published_on, read_filing, records_of
from api.web.forms import FormState, refusal_status
from api.web.progress import stepper
from api.web.render import page
from api.web.session import check_csrf, require_principal
from config.loader import load_letter_texts
from config.rules import Rules
from config.settings import Settings
from domain.access import Principal, can_file_at_counter
from domain.errors import DomainError
from domain.identifiers import normalize_id, subject_kinds
from services.db import in_session
from services.visibility import visible_application
from store import cases as store_cases

router = APIRouter(include_in_schema=False)


def _clerk(request: Request, settings: Settings) -> Principal:
    me = require_principal(request, settings)
    if not can_file_at_counter(me):
        raise forbidden("该页面仅供政务服务中心窗口工作人员使用")
    return me


def _window(request: Request, settings: Settings, rules: Rules, session: Session, me: Principal, subject: str,
            state: FormState, status: int = 200, lookup_state: FormState | None = None,
            found: ApplicationPublic | None = None) -> Response:
    subject_error = ""
    records = []
    if subject:
        if subject_kinds(subject):
            records = records_of(session, rules, subject, clock.today())
        else:
            subject_error = "统一社会信用代码或身份证号码校验不通过，请核对后重新输入"
            status = 422 if status == 200 else status
    return page(request, settings, "window.html", me, status=status, subject=subject, subject_error=subject_error,
                records=records, form=state, hidden_subject=subject, published_on=published_on(settings),
                action="/window", filed=store_cases.applications_of(session, filed_by=me.sub, limit=20),
                lookup=lookup_state or FormState(), found=found,
                found_steppers={c.id: stepper(c) for c in found.cases} if found else {})


@router.get("/window", response_class=HTMLResponse)
def window_page(request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep,
                subject: str = "") -> Response:
    me = _clerk(request, settings)
    state = FormState(values={"record_ids": [], "contact_phone": "", "commitment": False})
    return _window(request, settings, rules, session, me, normalize_id(subject.strip()) if subject else "", state)


@router.post("/window", response_class=HTMLResponse)
async def window_file(request: Request, settings: SettingsDep, rules: RulesDep, temporal: TemporalDep) -> Response:
    me = _clerk(request, settings)
    form = await request.form()
    check_csrf(request, settings, form)
    subject = normalize_id(str(form.get("subject", "")).strip())
    state = read_filing(form)
    created = await file(state, subject, me, rules, settings, temporal)
    if created is not None:
        return RedirectResponse(f"/applications/{created}/receipt", status_code=303)
    return await in_session(settings, lambda s: _window(request, settings, rules, s, me, subject, state, status=422))


@router.post("/window/lookup", response_class=HTMLResponse)
async def window_lookup(request: Request, settings: SettingsDep, rules: RulesDep) -> Response:
    """The progress of a person's application found by its query code and phone's last digits
    (services/lookup.py), shown on the counter's page; a refusal comes back next to its field."""
    me = _clerk(request, settings)
    form = await request.form()
    check_csrf(request, settings, form)
    state = FormState(values={k: str(form.get(k, ""))[:32] for k in ("query_code", "phone_tail")})
    blank = FormState(values={"record_ids": [], "contact_phone": "", "commitment": False})

    def show(session: Session) -> Response:
        try:
            found = looked_up_progress(session, rules, me, state.values["query_code"], state.values["phone_tail"])
        except DomainError as refused:
            if refusal_status(refused) == 403:
                raise
            state.refuse(refused)
            return _window(request, settings, rules, session, me, "", blank, status=refusal_status(refused),
                           lookup_state=state)
        return _window(request, settings, rules, session, me, "", blank, lookup_state=state, found=found)

    return await in_session(settings, show)


@router.get("/applications/{application_id}/receipt", response_class=HTMLResponse)
def receipt(application_id: str, request: Request, settings: SettingsDep, rules: RulesDep,
            session: SessionDep) -> Response:
    """受理回执: what was filed, for which records, who handles each and by when they decide whether to
    accept; printable (the header and footer drop out in print)."""
    me = require_principal(request, settings)
    app, cases = visible_application(session, me, application_id)
    view = application_public(session, rules, app, cases)
    return page(request, settings, "receipt.html", me, app=view, filed_by=app.filed_by,
                acceptance_days=rules.policy.time_limits.acceptance,
                ways=load_letter_texts(settings.config_dir)["ways_to_apply"])
