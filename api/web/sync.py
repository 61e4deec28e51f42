"""/sync (对账) for the hub's staff: each site's last reconciliation, each count leading to its differences, the
report to download, and (the admin) a run started now. The pages call the API's route functions, so they show
and refuse exactly what the API does."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import clock
from api.audit_view import site_order
from api.deps import RulesDep, SessionDep, SettingsDep, TemporalDep
from api.routes.sync import start_reconciliation, sync_board, sync_differences
from api.web.render import page
from api.web.session import check_csrf, require_principal
from config.loader import load_targets
from domain.access import can_resync
from domain.reconciliation import DIFFERENCE_LABELS, DIFFERENCE_SHORT, OUTCOME_SHORT, Difference, Outcome

router = APIRouter(include_in_schema=False)


@router.get("/sync", response_class=HTMLResponse)
def sync_page(request: Request, settings: SettingsDep, rules: RulesDep, session: SessionDep,
              started: str = "") -> Response:
    me = require_principal(request, settings)
    board = sync_board(me, session, rules, settings)
    order = site_order(settings)
    sites = sorted(board.sites, key=lambda s: order.get(s.target, len(order)))
    runs = list(dict.fromkeys(s.run_id for s in sites))
    return page(request, settings, "sync.html", me, board=board, sites=sites, kinds=list(Difference),
                outcomes=list(Outcome), short={**DIFFERENCE_SHORT, **OUTCOME_SHORT}, runs=runs,
                can_start=can_resync(me), started=bool(started), now=clock.now())


@router.post("/sync", response_class=HTMLResponse)
async def sync_start(request: Request, settings: SettingsDep, temporal: TemporalDep) -> Response:
    form = await request.form()
    check_csrf(request, settings, form)
    me = require_principal(request, settings)
    await start_reconciliation(me, settings, temporal)
    return RedirectResponse("/sync?started=1", status_code=303)


@router.get("/sync/differences", response_class=HTMLResponse)
def differences_page(request: Request, settings: SettingsDep, session: SessionDep, run_id: str = "",
                     target: str = "", kind: str = "", after: str = "") -> Response:
    me = require_principal(request, settings)
    found = sync_differences(me, session, run_id=run_id[:64], target=target[:32], kind=kind[:16], after=after[:170],
                             limit=100)
    names = {t.code: t.name for t in load_targets(settings.config_dir, settings.simulator_url)}
    return page(request, settings, "sync_differences.html", me, found=found, run_id=run_id, target=target,
                kind=kind, names=names, kind_label={k.value: v for k, v in DIFFERENCE_LABELS.items()})
