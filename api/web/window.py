"""The service-centre counter (窗口): find a subject by USCC or ID number, see its records, file one
application on its behalf (channel `window`, the clerk recorded as the filer), and print the receipt of
submission (提交回执: the application is submitted, not yet accepted) for the person at the counter.

A walk-in whose application was filed online (or at another counter) is helped too: the clerk finds it by
the query code and the phone's last four digits, sees its progress and answers a supplement on the
applicant's behalf, on the proof of that lookup (api/web/counter_grant.py, domain.access.counter_may_act_for)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from api import clock
from api.cases_view import application_public, looked_up_progress
from api.deps import RulesDep, SessionDep, SettingsDep, TemporalDep
from api.errors import forbidden
from api.schemas import ApplicationPublic, CasePublic
from api.web import counter_grant
from api.web.applicant import request_marks, supplement_requests
from api.web.filing import answer_supplement, file, published_on, read_filing, records_of
from api.web.forms import FormState, refusal_status
from api.web.objections import objection_links
from api.web.progress import expected_decision, stepper
from api.web.receipt_steps import next_steps
from api.web.render import page
from api.web.restructurings import restructuring_href
from api.web.session import check_csrf, require_principal
from config.loader import load_letter_texts
from config.rules import Rules
from config.settings import Settings
from domain.access import Principal, can_file_at_counter
from domain.errors import DomainError
from domain.identifiers import mask_phone, normalize_id
from domain.subject_hint import refusal_of_subject
from domain.workdays import Deadline
from services.db import in_session
from services.visibility import visible_application, visible_case, visible_lines
from store import cases as store_cases

router = APIRouter(include_in_schema=False)


def _clerk(request: Request, settings: Settings) -> Principal:
    me = require_principal(request, settings)
    if not can_file_at_counter(me):
        raise forbidden("该页面仅供政务服务中心窗口工作人员使用")
    return me


def _blank() -> FormState:
    return FormState(values={"record_ids": [], "contact_phone": "", "commitment": False})


def _window(request: Request, settings: Settings, rules: Rules, session: Session, me: Principal, subject: str,
            state: FormState, status: int = 200, lookup_state: FormState | None = None,
            found: ApplicationPublic | None = None, supplement: FormState | None = None, grant: str = "") -> Response:
    """The counter's page; with `found`, the application looked up, the grant that lets this clerk act on it
    (a new one after a lookup; the lookup's own when shown again, so it lapses GRANT_TTL after the lookup
    however often the page is opened) and the upload form of each case awaiting a supplement."""
    shown = found.cases if found else []
    subject_error = refusal_of_subject(subject) if subject else None
    records = records_of(session, rules, subject, clock.today()) if subject and not subject_error else []
    if subject_error:
        status = 422 if status == 200 else status
    filed = store_cases.applications_of(session, filed_by=me.sub, limit=20)
    return page(request, settings, "window.html", me, status=status, subject=subject,
                subject_error=subject_error or "", records=records, form=state, hidden_subject=subject,
                objection_links=objection_links(me, subject, records),
                restructuring_href=restructuring_href(me, subject, records),
                published_on=published_on(settings), action="/window",
                filed=filed, marks=request_marks(session, filed),
                lookup=lookup_state or FormState(), found=found, grant=grant,
                asked=supplement_requests(found, me) if found else [], supplement=supplement or FormState(),
                supplemented=bool(request.query_params.get("supplemented")),
                found_steppers={c.id: stepper(c) for c in shown}, found_expected=_expected(shown, rules))


def _expected(cases: list[CasePublic], rules: Rules) -> dict[str, Deadline]:
    """The day each case should be decided by, as the applicant's progress page says it."""
    return {c.id: due for c in cases if (due := expected_decision(c, rules))}


@router.get("/window", response_class=HTMLResponse)
def window_page(request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep,
                subject: str = "") -> Response:
    me = _clerk(request, settings)
    return _window(request, settings, rules, session, me, normalize_id(subject.strip()) if subject else "", _blank())


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
    blank = _blank()

    def show(session: Session) -> Response:
        try:
            found = looked_up_progress(session, rules, me, state.values["query_code"], state.values["phone_tail"])
        except DomainError as refused:
            if refusal_status(refused) == 403:
                raise
            state.refuse(refused)
            return _window(request, settings, rules, session, me, "", blank, status=refusal_status(refused),
                           lookup_state=state)
        return _window(request, settings, rules, session, me, "", blank, lookup_state=state, found=found,
                       grant=counter_grant.grant(settings, request, me, found.id, clock.now()))

    return await in_session(settings, show)


@router.get("/applications/{application_id}/receipt", response_class=HTMLResponse)
def receipt(application_id: str, request: Request, settings: SettingsDep, rules: RulesDep,
            session: SessionDep) -> Response:
    """提交回执: the application is submitted (not yet accepted: each authority decides that within its
    deadline); for which records, who handles each, what happens next and by when (api/web/receipt_steps.py),
    where the person is texted, the clerk who filed it by name, and lines to sign and a place to seal.
    Printable (the header and footer drop out in print) and readable on a phone."""
    me = require_principal(request, settings)
    app, cases = visible_application(session, me, application_id)
    view = application_public(session, rules, app, cases)
    return page(request, settings, "receipt.html", me, app=view, clerk=clerk_name(app.filed_by_name, app.filed_by),
                steps={c.id: next_steps(c, rules) for c in view.cases}, phone=mask_phone(app.contact_phone),
                acceptance_days=rules.policy.time_limits.acceptance,
                ways=load_letter_texts(settings.config_dir)["ways_to_apply"])


def clerk_name(name: str | None, sub: str) -> str:
    """The clerk as the receipt names them: their name as their sign-in gave it (kept with the filing); a
    filing from before names were kept, or by a credential without one, says so and gives the account."""
    return name or f"未登记姓名（账号 {sub}）"


def _on_behalf(me: Principal) -> str:
    """The timeline's note on a supplement answered at the counter (the Update's actor is the clerk)."""
    return f"由政务服务中心窗口代申请人提交，经办人{clerk_name(me.name, me.sub)}"


def _vouched(request: Request, settings: Settings, me: Principal, application_id: str, grant: str) -> str | None:
    return counter_grant.vouched_for(settings, request, me, application_id, grant[:64], clock.now())


@router.get("/window/applications/{application_id}", response_class=HTMLResponse)
def window_found(application_id: str, request: Request, settings: SettingsDep, rules: RulesDep,
                 session: SessionDep, grant: str = "") -> Response:
    """The application a clerk looked up, again (after answering its supplement), while the lookup's grant
    holds; once it has lapsed (or for anyone else) the counter's page asks for the lookup again."""
    me = _clerk(request, settings)
    vouched = _vouched(request, settings, me, application_id, grant)
    if vouched is None:
        again = FormState(general="查询已超过30分钟或不是在本次登录中查询的，请重新凭查询码和电话后4位查询")
        return _window(request, settings, rules, session, me, "", _blank(), status=403, lookup_state=again)
    app, lines = visible_lines(session, me, application_id, vouched_for=vouched)
    found = application_public(session, rules, app, [line.case for line in lines])
    return _window(request, settings, rules, session, me, "", _blank(), found=found, grant=grant)


@router.post("/window/cases/{case_id}/supplement", response_class=HTMLResponse)
async def window_supplement(case_id: str, request: Request, settings: SettingsDep, rules: RulesDep,
                            temporal: TemporalDep) -> Response:
    """A supplement answered at the counter on the applicant's behalf: the clerk uploads what was asked for
    (as the applicant would, api/web/applicant.case_supplement) on the proof of this session's lookup; the
    timeline records the clerk as actor and says it was done at the counter. A refused upload stores
    nothing and comes back next to its field."""
    me = _clerk(request, settings)
    form = await request.form()
    check_csrf(request, settings, form)
    application_id, grant = str(form.get("application_id", ""))[:64], str(form.get("grant", ""))
    vouched = _vouched(request, settings, me, application_id, grant)
    app, _ = await in_session(settings, lambda s: visible_case(s, me, case_id, vouched_for=vouched))
    refused = await answer_supplement(form, me, app.subject_key, case_id, rules, settings, temporal,
                                      vouched_for=vouched, note=_on_behalf(me))
    if not refused:
        return RedirectResponse(f"/window/applications/{app.id}?grant={grant}&supplemented=1", status_code=303)
    state = FormState(errors={case_id: refused})

    def show(session: Session) -> Response:
        app_row, lines = visible_lines(session, me, app.id, vouched_for=vouched)
        found = application_public(session, rules, app_row, [line.case for line in lines])
        return _window(request, settings, rules, session, me, "", _blank(), status=422, found=found,
                       supplement=state, grant=grant)

    return await in_session(settings, show)


@router.get("/window/cases/{case_id}/supplement")
def window_supplement_reopened(case_id: str) -> Response:
    """The counter's supplement address opened again (a reload after a refusal): back to the counter's page,
    where the application is looked up again (the grant stays in the form it came with, not in this URL)."""
    return RedirectResponse("/window", status_code=303)
