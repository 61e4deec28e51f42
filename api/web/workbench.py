"""The caseworker's pages: the queue of their authority (/workbench) and one case (/cases/{id}) with the
decision forms, which send the same Temporal Updates as the API; the workflow validator's refusal comes
back as a message on the page."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from api import clock
from api.cases_view import case_public
from api.deps import RulesDep, SessionDep, SettingsDep, TemporalDep
from api.errors import field_error
from api.present import record_public
from api.routes.cases import list_cases
from api.routes.materials import material_response
from api.schemas import DecisionCreate
from api.web.forms import FormState, refusal_status
from api.web.progress import flash
from api.web.render import page
from api.web.session import check_csrf, require_principal
from config.rules import Rules
from config.settings import Settings
from domain.access import Principal, can_decide
from domain.errors import Code, DomainError
from domain.model import RecordKind
from domain.transitions import (
    ACTION_LABELS,
    CASEWORKER_ACTIONS,
    REASON_REQUIRED,
    Action,
    CaseFacts,
    CaseState,
    allowed_actions,
)
from services import deciding
from services.db import in_session
from services.visibility import visible_case
from store import materials as store_materials
from store.models import CreditRecord

router = APIRouter(include_in_schema=False)

ORDER = [Action.ACCEPT, Action.REJECT, Action.REQUEST_SUPPLEMENT, Action.APPROVE, Action.DENY, Action.EXTEND,
         Action.SHIELD]
REASON_LABEL = {Action.REJECT: "不予受理的理由", Action.DENY: "不予修复的理由",
                Action.REQUEST_SUPPLEMENT: "需要补正的材料（逐项列出）", Action.EXTEND: "延长的理由",
                Action.SHIELD: "暂时屏蔽的理由", Action.ACCEPT: "备注（可不填）", Action.APPROVE: "备注（可不填）"}


@router.get("/workbench", response_class=HTMLResponse)
def workbench(request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep,
              state: str = "", kind: str = "") -> Response:
    me = require_principal(request, settings)
    cases = list_cases(me, rules, session, state=state or None)
    if kind:
        cases = [c for c in cases if c.record_kind == kind]
    today = clock.today()
    return page(request, settings, "workbench.html", me, cases=cases, today=today, soon=today + timedelta(days=1),
                state=state, kind=kind, states=[s.value for s in CaseState], kinds=[k.value for k in RecordKind])


def _case(request: Request, settings: Settings, rules: Rules, session: Session, me: Principal, case_id: str,
          form: FormState | None = None, status: int = 200) -> Response:
    _, row = visible_case(session, me, case_id)
    view = case_public(session, rules, row)
    record = session.get(CreditRecord, row.record_id)
    facts = CaseFacts(state=CaseState(row.state), overdue=row.overdue, extensions_used=row.extensions_used,
                      max_extensions=rules.policy.time_limits.max_extensions, shielded=row.shielded)
    actions = [a for a in ORDER if a in allowed_actions(facts) and a in CASEWORKER_ACTIONS] if can_decide(
        me, row.handler) else []
    materials = store_materials.of_cases(session, [row.id])
    return page(request, settings, "case.html", me, status=status, case=view, materials=materials,
                record=record_public(record, rules, clock.today()) if record else None, actions=actions,
                labels=ACTION_LABELS, reason_label=REASON_LABEL, needs_reason=REASON_REQUIRED,
                form=form or FormState(), flash=flash(request))


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(case_id: str, request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep) -> Response:
    return _case(request, settings, rules, session, require_principal(request, settings), case_id)


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
    state = FormState(values={"action": action, "reason": reason})
    try:
        parsed = DecisionCreate(action=action, reason=reason)
        await deciding.decide(settings, temporal, me, case_id, parsed.action, parsed.reason)
    except ValidationError as invalid:
        found = field_error(dict(invalid.errors()[0]))
        state.errors["reason"] = "理由不能超过2000字" if found["code"] == Code.INVALID_FIELD else found["message"]
        return await in_session(settings, lambda s: _case(request, settings, rules, s, me, case_id, state, 422))
    except DomainError as refused:
        status = refusal_status(refused)
        if status == 404:
            raise
        state.refuse(refused)
        return await in_session(settings, lambda s: _case(request, settings, rules, s, me, case_id, state, status))
    return RedirectResponse(f"/cases/{case_id}?decided=1", status_code=303)
