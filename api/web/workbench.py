"""The caseworker's pages: the queue of their authority (/workbench; for supervisors and auditors the cases
they oversee) and one case (/cases/{id}) with the decision forms, which send the same Temporal Updates as
the API; the workflow validator's refusal comes back as a message on the page. The case page follows the
case live (its fragment /cases/{id}/live, the progress page's mechanism), and the notice after a decision
is shown once (api/web/once.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from api import clock
from api.audit_view import site_order, sites_once
from api.cases_view import case_public, queue_within, restructuring_public
from api.deps import RulesDep, SessionDep, SettingsDep, TemporalDep
from api.errors import field_error, forbidden
from api.present import record_public
from api.routes.materials import material_response
from api.schemas import DecisionCreate
from api.web import once
from api.web.forms import FormState, refusal_status
from api.web.objections import refused_of
from api.web.progress import case_limits
from api.web.render import fragment, page
from api.web.session import check_csrf, require_principal
from config.rules import Rules
from config.settings import Settings
from domain.access import Principal, can_decide, can_read_history, queue_scope
from domain.correction import CORRECTABLE
from domain.errors import Code, DomainError
from domain.model import RecordKind, RequestKind, Role
from domain.transitions import (
    ACTION_LABELS,
    CASEWORKER_ACTIONS,
    REASON_REQUIRED,
    TERMINAL,
    WITH_DECISION,
    Action,
    CaseFacts,
    CaseState,
    allowed_actions,
)
from services import deciding
from services.db import in_session
from services.visibility import visible_case
from store import cases as store_cases
from store import materials as store_materials
from store import returned as store_returned
from store.models import CreditRecord, RepairCase

router = APIRouter(include_in_schema=False)

ORDER = [Action.ACCEPT, Action.REJECT, Action.REQUEST_SUPPLEMENT, Action.CORRECT, Action.KEEP, Action.APPROVE,
         Action.DENY, Action.EXTEND, Action.SHIELD]
ACKS = frozenset({"sync_ack", "shield_ack", "unshield_ack"})  # listed once per site on the page, not per ack
REASON_LABEL = {Action.REJECT: "不予受理的理由", Action.DENY: "不予修复的理由",
                Action.REQUEST_SUPPLEMENT: "需要补正的材料（逐项列出）", Action.EXTEND: "延长的理由",
                Action.SHIELD: "暂时屏蔽的理由", Action.ACCEPT: "备注（可不填）", Action.APPROVE: "备注（可不填）",
                Action.CORRECT: "更正的理由（核查情况）", Action.KEEP: "维持原信息的理由（核查情况）"}
# an objection upheld by taking the record off every site: the same approve, said as the objection's outcome
OBJECTION_LABELS = {Action.APPROVE: "同意修复（撤下该信息）"}
# a restructuring's approval lifts the record for now (暂予修复, the case lifted): hidden on every site while the
# plan is carried out, repaired or shown again once the court says how it ended (domain/restructuring.py)
RESTRUCTURING_LABELS = {Action.APPROVE: "同意暂予修复（各网站暂时屏蔽）"}


@router.get("/workbench", response_class=HTMLResponse)
def workbench(request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep,
              state: str = "", kind: str = "", handler: str = "", region: str = "") -> Response:
    return queue_page(request, settings, rules, session, state=state, kind=kind, handler=handler, region=region)


def queue_page(request: Request, settings: Settings, rules: Rules, session: Session, *, state: str, kind: str,
               handler: str, region: str = "", trail: bool = False) -> Response:
    """A caseworker's queue, or, for supervisors and auditors, the cases behind a count on /supervision
    (`?handler=&state=`), within what domain/access.queue_scope lets them see (`trail`: the same list
    leading to each case's audit trail, /audit). Cases the applicant has answered a supplement for come
    first, marked: they wait for the caseworker again."""
    me = require_principal(request, settings)
    scope = queue_scope(me)
    if scope is None or (trail and not can_read_history(me)):
        raise forbidden("只有经办人、督办人员和审计人员可以查看事项列表")
    region = region if len(region) == 6 and region.isdigit() else ""  # a figure's region (GB/T 2260), else none
    cases, returned = queue_within(session, rules, scope, state=state or None, handler=handler or None,
                                   region=region or None)
    if kind:
        cases = [c for c in cases if c.record_kind == kind]
    cases.sort(key=lambda c: c.id not in returned)  # stable: by deadline within each part
    today = clock.today()
    return page(request, settings, "workbench.html", me, cases=cases, today=today, soon=today + timedelta(days=1),
                state=state, kind=kind, handler=handler, region=region, returned=returned,
                oversight=me.role is not Role.CASEWORKER, audit=can_read_history(me), trail=trail,
                region_name=rules.directory.region_name(region) if region else "",
                action="/audit" if trail else "/workbench", states=[s.value for s in CaseState],
                kinds=[k.value for k in RecordKind])


def _case_context(session: Session, settings: Settings, rules: Rules, me: Principal, case_id: str) -> dict[str, Any]:
    """What the case page shows, its live part included (the same for the page and the fragment)."""
    _, row = visible_case(session, me, case_id)
    view = case_public(session, rules, row)
    record = session.get(CreditRecord, row.record_id)
    objection = row.request == RequestKind.OBJECTION
    facts = CaseFacts(state=CaseState(row.state), overdue=row.overdue, extensions_used=row.extensions_used,
                      max_extensions=case_limits(view, rules).max_extensions, shielded=row.shielded,
                      objection=objection, restructuring=row.request == RequestKind.RESTRUCTURING)
    # a case handed to a vertical system is decided there: the workbench shows it, and offers nothing
    actions = [a for a in ORDER if a in allowed_actions(facts) and a in CASEWORKER_ACTIONS] if can_decide(
        me, row.handler) and not view.handled_in else []
    state = CaseState(row.state)
    return {
        "case": view, "materials": store_materials.of_cases(session, [row.id]),
        "record": record_public(record, rules, clock.today()) if record else None,
        "actions": actions, "returned": store_returned.answered(session, row.id),
        "timeline": [e for e in view.timeline if e.action not in ACKS],
        "sites": sites_once(view.deliveries, site_order(settings)),
        "with_decision": state in WITH_DECISION, "live": state not in TERMINAL,
        "objection": objection, "refused": refused_of(session, rules, [view]).get(view.id),
        # the actions the page offers outside its live part: another answer makes the page's script reload it
        "actions_key": "actions=" + ",".join(a.value for a in actions),
        **_ruling(session, rules, row),
    }


def _ruling(session: Session, rules: Rules, row: RepairCase) -> dict[str, Any]:
    """A restructuring case's court ruling, for its caseworker to check: the ruling as filed (and the plan's
    outcome once the court said it) and the ruling's files, kept with the application's first case
    (services/restructuring.py) and open to every case's handler (api/routes/materials.py)."""
    found = store_cases.restructuring_of(session, row.application_id) if (
        row.request == RequestKind.RESTRUCTURING) else None
    if found is None:
        return {"restructuring": None, "ruling_files": []}
    cases = {c.id: c for c in store_cases.cases_of(session, row.application_id)}
    files = [m for m in store_materials.of_cases(session, list(cases)) if m.purpose == "ruling"]
    return {"restructuring": restructuring_public(rules, found), "ruling_files": files}


def _case(request: Request, settings: Settings, rules: Rules, session: Session, me: Principal, case_id: str,
          form: FormState | None = None, status: int = 200) -> Response:
    context = _case_context(session, settings, rules, me, case_id)
    labels = ACTION_LABELS | (OBJECTION_LABELS if context["objection"] else {}) | (
        RESTRUCTURING_LABELS if context["case"].request == RequestKind.RESTRUCTURING else {})
    response = page(request, settings, "case.html", me, status=status, labels=labels, correctable=CORRECTABLE,
                    reason_label=REASON_LABEL, needs_reason=REASON_REQUIRED, form=form or FormState(),
                    flash=once.notice(request) if status == 200 else "", **context)
    return once.shown(request, response, settings)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(case_id: str, request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep) -> Response:
    return _case(request, settings, rules, session, require_principal(request, settings), case_id)


@router.get("/cases/{case_id}/live", response_class=HTMLResponse)
def case_live(case_id: str, request: Request, settings: SettingsDep, rules: RulesDep,
              session: SessionDep) -> Response:
    """The case page's live part alone, swapped in by templates/static/xiufu.js every 5 s as on the progress
    page (api/web/applicant.application_cases): X-Xiufu-Actions names the decisions the page offers, so
    when the applicant answers a supplement or withdraws, the page is loaded again with the forms the new
    state allows; X-Xiufu-Open 0 once the case has ended stops the script."""
    me = require_principal(request, settings)
    context = _case_context(session, settings, rules, me, case_id)
    headers = {"X-Xiufu-Open": "1" if context["live"] else "0", "X-Xiufu-Actions": context["actions_key"]}
    return fragment("_case_live.html", headers=headers, me=me, **context)


@router.get("/materials/{material_id}")
def material(material_id: str, request: Request, settings: SettingsDep, session: SessionDep) -> Response:
    """Opens an uploaded material for whoever may see its case (the same rule as the API)."""
    return material_response(session, settings, require_principal(request, settings), material_id)


@router.post("/cases/{case_id}/decisions", response_class=HTMLResponse)
async def case_decide(case_id: str, request: Request, settings: SettingsDep, rules: RulesDep,
                      temporal: TemporalDep) -> Response:
    me = require_principal(request, settings)
    form = await request.form()
    check_csrf(request, settings, form)
    action, reason = str(form.get("action", "")), str(form.get("reason", "")).strip()
    # 更正信息 names the corrected content: the fields filled in, as the API's `changes`
    typed = {f: str(form.get(f"changes-{f}", "")).strip() for f in CORRECTABLE} if action == Action.CORRECT else {}
    changes: dict[str, str | None] = {f: v for f, v in typed.items() if v}
    state = FormState(values={"action": action, "reason": reason, "changes": typed})
    try:
        parsed = DecisionCreate(action=action, reason=reason, changes=changes or None)
        await deciding.decide(settings, temporal, me, case_id, parsed.action, parsed.reason, changes=parsed.changes,
                              now=clock.now())
    except ValidationError as invalid:
        found = field_error(dict(invalid.errors()[0]))
        where = "reason" if found["field"] == "reason" else "changes"
        state.errors[where] = "理由不能超过2000字" if found["code"] == Code.INVALID_FIELD and where == "reason" \
            else found["message"]
        return await in_session(settings, lambda s: _case(request, settings, rules, s, me, case_id, state, 422))
    except DomainError as refused:
        status = refusal_status(refused)
        if status == 404:
            raise
        state.refuse(refused)
        return await in_session(settings, lambda s: _case(request, settings, rules, s, me, case_id, state, status))
    return once.redirect_with(f"/cases/{case_id}", "decided", settings)
