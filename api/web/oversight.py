"""The pages of oversight: /supervision (a supervisor's region, or everything for auditors and the admin;
each count leads to its cases on /workbench), /audit (the cases, each leading to its trail) and
/audit/cases/{id} (a case's history as Temporal recorded it). Both call the API's route functions,
so they show and refuse exactly what the API does."""

from __future__ import annotations

from datetime import UTC

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from api.audit_view import SYNC_ACTIONS, readable, site_order
from api.cases_view import case_public
from api.deps import RulesDep, SessionDep, SettingsDep, TemporalDep
from api.routes.cases import history
from api.routes.evaluations import list_evaluations
from api.routes.supervision import supervision
from api.schemas import CasePublic
from api.web.render import page
from api.web.session import require_principal
from api.web.workbench import queue_page
from domain.access import oversight_region
from domain.evaluation import RATING_LABELS
from services.db import in_session
from services.visibility import visible_case
from store.models import Application

router = APIRouter(include_in_schema=False)

EVENT_LABELS = {"workflow_started": "流程启动", "workflow_completed": "流程结束", "workflow_terminated": "流程被终止",
                "timer_fired": "时限到期", "decision": "办理决定", "overdue_notified": "超期通知督办",
                "delivery_scheduled": "下发同步", "passed_on": "申请流程转达"}


@router.get("/supervision", response_class=HTMLResponse)
def supervision_page(request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep,
                     region: str = "") -> Response:
    me = require_principal(request, settings)
    summary = supervision(me, rules, session, region=region or None)
    ratings = list_evaluations(me, rules, session, authority=None, region=region or None)
    # what this person may choose to look at: their own region and below (a supervisor), or the province
    own = oversight_region(me)
    choices = [(r, rules.directory.region_name(r)) for r in rules.directory.regions_within(own)
               if r != own and not r.endswith("0000")]
    return page(request, settings, "supervision.html", me, summary=summary, recent=ratings.evaluations[:50],
                levels=list(RATING_LABELS.items()), region_choices=choices,
                own_region=rules.directory.region_name(own) if own else "全省",
                region_label=rules.directory.region_name(summary.region) if summary.region else "全省")


@router.get("/audit", response_class=HTMLResponse)
def audit_list(request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep, state: str = "",
               kind: str = "", handler: str = "", region: str = "") -> Response:
    """The audit trails' entry in the navigation: the cases this person oversees, each leading to its trail."""
    return queue_page(request, settings, rules, session, state=state, kind=kind, handler=handler, region=region,
                      trail=True)


@router.get("/audit/cases/{case_id}", response_class=HTMLResponse)
async def audit_case_page(case_id: str, request: Request, settings: SettingsDep, rules: RulesDep,
                          temporal: TemporalDep) -> Response:
    """The trail as api/audit_view.py makes it readable: people named, the start's filer, one row per site.
    The Temporal Web UI is linked only where it is configured to be reachable (Settings.links_temporal_ui)."""
    me = require_principal(request, settings)
    trail = await history(case_id, me, settings, temporal)
    for event in trail.events:  # Temporal's times are UTC without a zone: shown in Beijing time
        event.at = event.at.replace(tzinfo=UTC) if event.at.tzinfo is None else event.at

    def read(session: Session) -> tuple[CasePublic, Application | None]:
        row = visible_case(session, me, case_id)[1]
        return case_public(session, rules, row, with_details=False), session.get(Application, row.application_id)

    case, app = await in_session(settings, read)
    shown = readable(trail, site_order(settings), app, case.handler_name)
    return page(request, settings, "audit_case.html", me, case=case, trail=trail, readable=shown,
                event_labels=EVENT_LABELS, sync_actions=SYNC_ACTIONS, show_ui=settings.links_temporal_ui)
