"""The applicant's pages: their records with eligibility and one form to apply for several (/my), and the
progress of an application (/applications/{id}) with withdraw and, once every case has ended, the rating
(好差评) of each authority that handled it."""

from __future__ import annotations

from collections.abc import Awaitable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from api import clock
from api.cases_view import visible_progress
from api.deps import RulesDep, SessionDep, SettingsDep, TemporalDep
from api.errors import field_error, forbidden
from api.routes.decisions import decision_file
from api.routes.evaluations import rating_slots
from api.routes.sync import site_checks
from api.schemas import (
    WITHDRAW_REASON_MAX,
    ApplicationPublic,
    CasePublic,
    CaseSiteChecks,
    EvaluationCreate,
    WithdrawCreate,
)
from api.web.filing import answer_supplement, file, published_on, read_filing, records_of
from api.web.forms import FormState, refusal_status
from api.web.objections import objection_links, progress_extras
from api.web.progress import progress_context
from api.web.render import fragment, page
from api.web.restructurings import restructuring_href
from api.web.session import check_csrf, require_principal
from config.rules import Rules
from config.settings import Settings
from domain.access import Principal, can_answer_supplement, has_own_subject
from domain.errors import DomainError
from domain.evaluation import COMMENT_MAX, RATING_LABELS
from domain.model import REQUEST_LABELS, RequestKind
from domain.restructuring import KIND_LABELS, RestructuringKind
from domain.transitions import Action, CaseState
from services import rating, withdrawing
from services.db import in_session
from services.visibility import visible_case
from store import cases as store_cases
from store.models import Application

router = APIRouter(include_in_schema=False)


def _my(request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep, state: FormState,
        status: int = 200) -> Response:
    me = require_principal(request, settings)
    if not has_own_subject(me) or me.subject is None:
        raise forbidden("该页面仅供申请人使用")
    records = records_of(session, rules, me.subject, clock.today())
    apps = store_cases.applications_of(session, subject_key=me.subject)
    return page(request, settings, "my.html", me, status=status, records=records, applications=apps,
                marks=request_marks(session, apps),
                subject=me.subject, subject_name=records[0].subject.name if records else "", form=state,
                published_on=published_on(settings), action="/my",
                objection_links=objection_links(me, me.subject, records),
                restructuring_href=restructuring_href(me, me.subject, records))


def request_marks(session: Session, apps: list[Application]) -> dict[str, str]:
    """What each of `apps` asks other than a repair, as the workbench's queue marks its cases: 异议申诉, or
    破产重整 / 破产和解 (the kind as the court's ruling was filed). Read from their cases and rulings in two
    queries however many are listed; a repair is not marked."""
    asked = store_cases.requests_of(session, [a.id for a in apps])
    rulings = store_cases.restructurings_of(
        session, [app_id for app_id, kinds in asked.items() if RequestKind.RESTRUCTURING in kinds])
    found = {}
    for app_id, kinds in asked.items():
        if RequestKind.OBJECTION in kinds:
            found[app_id] = REQUEST_LABELS[RequestKind.OBJECTION]
        elif app_id in rulings:
            found[app_id] = KIND_LABELS[RestructuringKind(rulings[app_id].kind)]
    return found


@router.get("/my", response_class=HTMLResponse)
def my_page(request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep) -> Response:
    return _my(request, settings, rules, session, FormState(values={"record_ids": [], "contact_phone": "",
                                                                     "commitment": False}))


@router.post("/my", response_class=HTMLResponse)
async def my_apply(request: Request, settings: SettingsDep, rules: RulesDep, temporal: TemporalDep) -> Response:
    me = require_principal(request, settings)
    form = await request.form()
    check_csrf(request, settings, form)
    if not has_own_subject(me) or me.subject is None:
        raise forbidden("该页面仅供申请人使用")
    state = read_filing(form)
    created = await file(state, me.subject, me, rules, settings, temporal)
    if created is not None:
        return RedirectResponse(f"/applications/{created}?filed=1", status_code=303)
    return await in_session(settings, lambda s: _my(request, settings, rules, s, state, status=422))


def _application(request: Request, settings: Settings, rules: Rules, session: Session, me: Principal,
                 application_id: str, error: str = "", status: int = 200, rating: FormState | None = None,
                 supplement: FormState | None = None, withdrawal: FormState | None = None) -> Response:
    found = visible_progress(session, rules, me, application_id)
    return page(request, settings, "application.html", me, status=status, error=error,
                supplement=supplement or FormState(), asked=supplement_requests(found.view, me),
                slots=rating_slots(session, rules, me, found.app, found.cases), rating=rating or FormState(),
                levels=list(RATING_LABELS.items()), comment_max=COMMENT_MAX,
                withdrawal=withdrawal or FormState(), reason_max=WITHDRAW_REASON_MAX,
                **progress_context(found.view, me, request, rules),
                **progress_extras(session, rules, me, found.app.subject_key, found.view),
                site_checks=_checks(session, settings, found.view))


def _checks(session: Session, settings: Settings, view: ApplicationPublic) -> dict[str, CaseSiteChecks]:
    """Each repaired case's sites as the last reconciliation found them (api/routes/sync.site_checks)."""
    return {c.case_id: c for c in site_checks(session, settings, view).cases}


@router.get("/applications/{application_id}", response_class=HTMLResponse)
def application_page(application_id: str, request: Request, settings: SettingsDep, rules: RulesDep,
                     session: SessionDep) -> Response:
    return _application(request, settings, rules, session, require_principal(request, settings), application_id)


@router.get("/applications/{application_id}/cases", response_class=HTMLResponse)
def application_cases(application_id: str, request: Request, settings: SettingsDep, rules: RulesDep,
                      session: SessionDep) -> Response:
    """The cases part of the progress page alone: what the page's script swaps in to stay live (every 5 s
    on every open page: two statements, as the API's progress). X-Xiufu-Actions names the actions the
    page offers outside this part (api/web/progress.actions_key): when they changed, the script loads the page."""
    me = require_principal(request, settings)
    found = visible_progress(session, rules, me, application_id)
    context = progress_context(found.view, me, request, rules)
    headers = {"X-Xiufu-Open": "1" if context["live"] else "0", "X-Xiufu-Actions": context["actions_key"]}
    return fragment("_cases.html", headers=headers, app=context["app"],
                    steppers=context["steppers"], with_decision=context["with_decision"],
                    expected=context["expected"],
                    **progress_extras(session, rules, me, found.app.subject_key, found.view))


@router.post("/applications/{application_id}/withdraw", response_class=HTMLResponse)
async def application_withdraw(application_id: str, request: Request, settings: SettingsDep,
                               rules: RulesDep, temporal: TemporalDep) -> Response:
    """Withdrawing asks to confirm (a required box) and for a reason (optional); a form sent without the box,
    or with a reason refused, comes back with the reason kept and the message next to its field."""
    me = require_principal(request, settings)
    form = await request.form()
    check_csrf(request, settings, form)
    state = FormState(values={"reason": str(form.get("reason", "")), "confirm": bool(form.get("confirm"))})

    def again(status: int, error: str = "") -> Awaitable[Response]:
        return in_session(settings, lambda s: _application(request, settings, rules, s, me, application_id,
                                                           error=error, status=status, withdrawal=state))

    if not state.values["confirm"]:
        state.errors["confirm"] = "请勾选确认后再撤回申请"
        return await again(422)
    try:
        payload = WithdrawCreate(reason=state.values["reason"])
    except ValidationError as invalid:
        state.errors["reason"] = field_error(dict(invalid.errors()[0]))["message"]
        return await again(422)
    try:
        await withdrawing.withdraw(settings, temporal, me, application_id, reason=payload.reason)
    except DomainError as refused:
        status, message = refusal_status(refused), refused.message
        if status in (403, 404):
            raise
        return await again(status, message)
    return RedirectResponse(f"/applications/{application_id}?withdrawn=1", status_code=303)


@router.post("/applications/{application_id}/evaluations", response_class=HTMLResponse)
async def application_rate(application_id: str, request: Request, settings: SettingsDep,
                           rules: RulesDep) -> Response:
    """One authority's rating, through the same service as the API; a refusal (a bad rating without a
    comment, rated before) comes back next to the field with what was typed kept."""
    me = require_principal(request, settings)
    form = await request.form()
    check_csrf(request, settings, form)
    handler, chosen, comment = (str(form.get(k, "")) for k in ("handler", "rating", "comment"))
    state = FormState(values={"handler": handler, "rating": chosen, "comment": comment})
    try:
        payload = EvaluationCreate(handler=handler or "-", rating=int(chosen) if chosen.isdigit() else 0,
                                   comment=comment)
        now, today = clock.now(), clock.today()
        await in_session(settings, lambda s: rating.rate(s, rules, me, application_id, handler=payload.handler,
                                                         rating=payload.rating, comment=payload.comment, now=now,
                                                         today=today))
    except ValidationError as invalid:  # the comment's text refused (control characters)
        found = field_error(dict(invalid.errors()[0]))
        state.errors["comment" if found["field"] == "comment" else "rating"] = found["message"]
        return await in_session(settings, lambda s: _application(request, settings, rules, s, me, application_id,
                                                                 status=422, rating=state))
    except DomainError as refused:
        status = refusal_status(refused)
        if status in (403, 404):
            raise
        state.refuse(refused)
        return await in_session(settings, lambda s: _application(request, settings, rules, s, me, application_id,
                                                                 status=status, rating=state,
                                                                 error=state.general))
    return RedirectResponse(f"/applications/{application_id}?rated=1", status_code=303)


def supplement_requests(view: ApplicationPublic, me: Principal) -> list[tuple[CasePublic, str]]:
    """The cases waiting for the applicant's supplement, each with what the caseworker asked for."""
    if not can_answer_supplement(me):
        return []
    asked = []
    for case in view.cases:
        if case.state == CaseState.SUPPLEMENT_REQUESTED:
            requests = [e.reason for e in case.timeline if e.action == Action.REQUEST_SUPPLEMENT]
            asked.append((case, requests[-1] if requests else ""))
    return asked


@router.get("/cases/{case_id}/decision.pdf")
async def case_decision(case_id: str, request: Request, settings: SettingsDep, temporal: TemporalDep) -> Response:
    """The repair decision for the signed-in user, with the same rule as the API."""
    return await decision_file(settings, temporal, require_principal(request, settings), case_id)


@router.post("/cases/{case_id}/supplement", response_class=HTMLResponse)
async def case_supplement(case_id: str, request: Request, settings: SettingsDep, rules: RulesDep,
                          temporal: TemporalDep) -> Response:
    """The applicant's (or the counter's) answer to a supplement request, with new uploads; a refused upload
    stores nothing and is named next to the field."""
    me = require_principal(request, settings)
    form = await request.form()
    check_csrf(request, settings, form)
    app, _ = await in_session(settings, lambda s: visible_case(s, me, case_id))
    state = FormState(values={"case_id": case_id})
    refused = await answer_supplement(form, me, app.subject_key, case_id, rules, settings, temporal)
    if not refused:
        return RedirectResponse(f"/applications/{app.id}?supplemented=1", status_code=303)
    state.errors[case_id] = refused
    return await in_session(settings, lambda s: _application(request, settings, rules, s, me, app.id, status=422,
                                                             supplement=state))
