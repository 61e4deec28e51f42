"""对账 for people: the board of every site's last reconciliation, the differences found, the report as a
spreadsheet, and a run started on demand (the same workflow the daily Schedule starts, services/ reaching it
by name through contracts/)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from sqlmodel import Session
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from config.loader import load_monitoring
from contracts.reconciliation import (
    RECONCILIATION_WORKFLOW,
    ReconcileInput,
    ReconcileSettings,
    reconciliation_workflow_id,
)
from domain.errors import Code, DomainError
from domain.model import RECORD_STATE_LABELS, RecordState
from domain.reconciliation import DIFFERENCE_LABELS, OUTCOME_LABELS, Difference, Outcome
from services.temporal import Temporal
from store import reconciliation as store_reconciliation
from store.models import Reconciliation, SyncDifference

REPORT_ROWS = 100_000  # a run's differences in one report: beyond, the API's pages are the way


def reconcile_settings(config_dir: Path) -> ReconcileSettings:
    monitoring = load_monitoring(config_dir)
    return ReconcileSettings(page=int(monitoring.get("reconcile_page", 2000)))


async def start(temporal: Temporal, config_dir: Path, task_queue: str, day: date) -> str:
    """The day's reconciliation started now: a run of that day still going is joined, a finished one run
    again (each of its steps is idempotent). Temporal down is 503 and nothing was started."""
    client = await temporal.client()
    workflow_id = reconciliation_workflow_id(day)
    try:
        await client.start_workflow(
            RECONCILIATION_WORKFLOW, args=[ReconcileInput(day=day), reconcile_settings(config_dir)], id=workflow_id,
            task_queue=task_queue, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE)
    except Exception:  # noqa: BLE001 - whatever the cause, nothing was started
        raise DomainError(Code.TEMPORAL_UNAVAILABLE, "流程服务暂不可用，对账未启动，请稍后重试") from None
    return workflow_id


def board(session: Session) -> list[tuple[Reconciliation, dict[str, int]]]:
    """Each site's last reconciliation with the outcomes of its differences."""
    return [(row, store_reconciliation.outcomes(session, row.run_id, row.target))
            for row in store_reconciliation.latest(session)]


def labels() -> dict[str, str]:
    return {**{k.value: v for k, v in DIFFERENCE_LABELS.items()}, **{k.value: v for k, v in OUTCOME_LABELS.items()}}


def kind_label(kind: str) -> str:
    return DIFFERENCE_LABELS.get(Difference(kind), kind) if kind in Difference.__members__.values() else kind


def outcome_label(outcome: str) -> str:
    return OUTCOME_LABELS.get(Outcome(outcome), outcome) if outcome in Outcome.__members__.values() else outcome


HEADERS = ("网站", "信息编号", "差异类型", "处理情况", "归集库状态", "归集库版本", "网站版本", "补发所用幂等键",
           "发现时间", "处理时间", "说明")


def _row(d: SyncDifference, names: dict[str, str]) -> list[object]:
    return [names.get(d.target, d.target), d.record_id, kind_label(d.kind), outcome_label(d.outcome),
            _state_label(d.hub_state), d.hub_version, d.site_version,
            d.delivery_key or "", d.found_at.isoformat(timespec="seconds"),
            d.resolved_at.isoformat(timespec="seconds") if d.resolved_at else "", d.note]


def report_rows(session: Session, run_id: str) -> list[list[object]]:
    names = {row.target: row.target_name for row in store_reconciliation.runs_of(session, run_id)}
    if not names:
        raise DomainError(Code.NOT_FOUND, "该次对账不存在")
    return [_row(d, names) for d in store_reconciliation.differences(session, run_id, None, None, "", REPORT_ROWS)]


def report_xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("对账差异")
    sheet.append(list(HEADERS))
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(["" if v is None else v for v in r] for r in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: Excel opens a UTF-8 CSV as UTF-8 only with it


def _state_label(state: str | None) -> str:
    if not state:
        return ""
    return RECORD_STATE_LABELS.get(RecordState(state), state) if state in RecordState.__members__.values() else state
