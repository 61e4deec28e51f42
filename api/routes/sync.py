"""对账 (issue 12) for the hub's staff: every site's last reconciliation with its differences by class, each
difference with what was done about it, the report as .xlsx and CSV, and a run started on demand."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlmodel import Session

from api import clock
from api.cases_view import visible_progress
from api.deps import PrincipalDep, RulesDep, SessionDep, SettingsDep, TemporalDep
from api.errors import forbidden, refusals
from api.present import authority_name
from api.schemas import (
    ApplicationPublic,
    ApplicationSiteChecks,
    CaseSiteChecks,
    DifferencePage,
    DifferencePublic,
    ReconciliationStarted,
    SiteCheck,
    SiteReconciled,
    SyncBoard,
    WaitingRepair,
)
from config.loader import load_targets
from config.settings import Settings
from domain.access import Principal, can_resync, can_see_sync
from domain.errors import Code
from domain.reconciliation import DOING, Outcome
from domain.transitions import CaseState
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
def sync_board(principal: PrincipalDep, session: SessionDep, rules: RulesDep, settings: SettingsDep) -> SyncBoard:
    """Each site's last reconciliation: what it said it shows, the differences by class (shown though the
    hub took it off; missing though published; unknown to the hub; content differs) and by outcome (sent
    again and acknowledged, refused, waiting for the hub's own delivery, reported). Beside it, the repairs
    not yet acknowledged by every site, oldest first, with the refusals that wait for an admin's resync."""
    _check(principal)
    targets = len(load_targets(settings.config_dir, settings.simulator_url))
    waiting = [WaitingRepair(case_id=c.id, record_id=c.record_id, handler=c.handler,
                             handler_name=authority_name(rules, c.handler), approved_at=_aware(at) if at else None,
                             acknowledged=acked,
                             targets=targets, refused=refused)
               for c, acked, at, refused in store_reconciliation.unacknowledged(session)]
    oldest = min((w.approved_at for w in waiting if w.approved_at), default=None)
    return SyncBoard(sites=[site_public(row, done) for row, done in reconciling.board(session)],
                     labels=reconciling.labels(), waiting=waiting, oldest_waiting_since=oldest)


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


@router.get("/applications/{application_id}/sites", response_model=ApplicationSiteChecks, tags=["applications"],
            responses=refusals(Code.NOT_FOUND))
def application_sites(application_id: str, principal: PrincipalDep, rules: RulesDep, settings: SettingsDep,
                      session: SessionDep) -> ApplicationSiteChecks:
    """For each repaired case, each site as the last reconciliation found it (none of the sites offers this):
    whether it still showed the record, when it was read, and what the hub is doing about a site that did.
    Whoever may see the application's progress may see this; others 404."""
    view = visible_progress(session, rules, principal, application_id).view
    return site_checks(session, settings, view)


def site_checks(session: Session, settings: Settings, view: ApplicationPublic) -> ApplicationSiteChecks:
    """A site is checked for a case when its last reconciliation read it after the case's last acknowledgement
    (before that, the site may not have had the removal yet)."""
    repaired = [c for c in view.cases if c.state == CaseState.REPAIRED]
    targets = load_targets(settings.config_dir, settings.simulator_url)
    reads = {r.target: r for r in store_reconciliation.last_reads(session)} if repaired else {}
    shown = {(d.target, d.record_id): d for d in store_reconciliation.shown_in(
        session, [r.run_id for r in reads.values()], [c.record_id for c in repaired])}
    cases = []
    for c in repaired:
        done = max((d.acknowledged_at for d in c.deliveries), default=None)
        checks = []
        for t in targets:
            read = reads.get(t.code)
            at = _aware(read.read_at) if read is not None and read.read_at is not None else None
            if at is None or (done is not None and at < _aware(done)):
                checks.append(SiteCheck(target=t.code, target_name=t.name))
                continue
            found = shown.get((t.code, c.record_id))
            outcome = Outcome(found.outcome) if found is not None else None
            checks.append(SiteCheck(target=t.code, target_name=t.name, checked_at=at, shown=found is not None,
                                    outcome=outcome.value if outcome else None,
                                    doing=DOING[outcome] if outcome else ""))
        cases.append(CaseSiteChecks(case_id=c.id, record_id=c.record_id, checks=checks))
    return ApplicationSiteChecks(application_id=view.id, cases=cases)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)
