"""对账 (issue 12) for the hub's staff: every site's last reconciliation with its differences by class, each
difference with what was done about it, the report as .xlsx and CSV, and a run started on demand."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api import clock
from api.deps import PrincipalDep, SessionDep, SettingsDep, TemporalDep
from api.errors import forbidden, refusals
from api.schemas import DifferencePage, DifferencePublic, ReconciliationStarted, SiteReconciled, SyncBoard
from domain.access import Principal, can_resync, can_see_sync
from domain.errors import Code
from services import reconciling
from store import reconciliation as store_reconciliation
from store.models import Reconciliation, SyncDifference

router = APIRouter(prefix="/api/v1", tags=["monitoring"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _check(principal: Principal) -> None:
    if not can_see_sync(principal):
        raise forbidden("只有管理、审计人员和省级督办人员可以查看对账情况")


def site_public(row: Reconciliation, outcomes: dict[str, int]) -> SiteReconciled:
    return SiteReconciled(target=row.target, target_name=row.target_name, run_id=row.run_id, day=row.day,
                          started_at=row.started_at, read_at=row.read_at, finished_at=row.finished_at,
                          shown=row.shown, counts=dict(row.counts), outcomes=outcomes, error=row.error)


def difference_public(d: SyncDifference) -> DifferencePublic:
    return DifferencePublic(id=d.id, run_id=d.run_id, target=d.target, record_id=d.record_id, kind=d.kind,
                            kind_label=reconciling.kind_label(d.kind), outcome=d.outcome,
                            outcome_label=reconciling.outcome_label(d.outcome), hub_state=d.hub_state,
                            hub_version=d.hub_version, site_version=d.site_version, delivery_key=d.delivery_key,
                            found_at=d.found_at, resolved_at=d.resolved_at, note=d.note)


@router.get("/sync", response_model=SyncBoard, responses=refusals(Code.FORBIDDEN))
def sync_board(principal: PrincipalDep, session: SessionDep) -> SyncBoard:
    """Each site's last reconciliation: what it said it shows, the differences by class (shown though the
    hub took it off; missing though published; unknown to the hub; content differs) and by outcome (sent
    again and acknowledged, refused, waiting for the hub's own delivery, reported)."""
    _check(principal)
    return SyncBoard(sites=[site_public(row, done) for row, done in reconciling.board(session)],
                     labels=reconciling.labels())


@router.get("/sync/differences", response_model=DifferencePage, responses=refusals(Code.FORBIDDEN))
def sync_differences(principal: PrincipalDep, session: SessionDep, run_id: str = Query(max_length=64),
                     target: str = Query("", max_length=32), kind: str = Query("", max_length=16),
                     after: str = Query("", max_length=170), limit: int = Query(100, ge=1, le=1000)) -> DifferencePage:
    """The differences of a run, by id, a page at a time; `target` and `kind` narrow them."""
    _check(principal)
    found = store_reconciliation.differences(session, run_id, target or None, kind or None, after, limit + 1)
    more = len(found) > limit
    items = [difference_public(d) for d in found[:limit]]
    return DifferencePage(items=items, next=items[-1].id if more else None)


@router.get("/sync/report", response_class=Response, responses={
    200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}},
                      "text/csv": {"schema": {"type": "string"}}}, "description": "对账差异报告"},
    **refusals(Code.FORBIDDEN, Code.NOT_FOUND)})
def sync_report(principal: PrincipalDep, session: SessionDep, run_id: str = Query(max_length=64),
                format: str = Query("xlsx", pattern="^(xlsx|csv)$")) -> Response:  # noqa: A002 - the query's name
    """A run's differences as a spreadsheet (`xlsx`) or CSV (UTF-8 with a BOM, for Excel)."""
    _check(principal)
    rows = reconciling.report_rows(session, run_id)
    body = reconciling.report_xlsx(rows) if format == "xlsx" else reconciling.report_csv(rows)
    name = f"对账差异-{run_id[:8]}.{format}"
    return Response(body, media_type=XLSX if format == "xlsx" else "text/csv; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename=\"report.{format}\"; filename*=UTF-8''{quote(name)}"})


@router.post("/sync/reconciliations", response_model=ReconciliationStarted, status_code=202,
             responses=refusals(Code.FORBIDDEN, Code.TEMPORAL_UNAVAILABLE, write=True))
async def start_reconciliation(principal: PrincipalDep, settings: SettingsDep,
                               temporal: TemporalDep) -> ReconciliationStarted:
    """Today's reconciliation of every site started now (the admin), as `xiufu reconcile` does: a run still
    going is joined; a finished one is run again, sending nothing a site has already applied."""
    if not can_resync(principal):
        raise forbidden("只有管理员可以发起对账")
    day = clock.today()
    workflow_id = await reconciling.start(temporal, settings.config_dir, settings.task_queue, day)
    return ReconciliationStarted(workflow_id=workflow_id, day=day)
