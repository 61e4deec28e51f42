"""对账 (ReconciliationWorkflow, started daily by a Temporal Schedule or by `xiufu reconcile`)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from contracts.case import TargetInfo

RECONCILIATION_WORKFLOW = "ReconciliationWorkflow"
RECONCILIATION_SCHEDULE_ID = "reconciliation"


def reconciliation_workflow_id(day: date) -> str:
    return f"reconcile-{day.isoformat()}"


class ReconcileInput(BaseModel):
    """`day` for an operator's run (xiufu reconcile --today); empty when the Schedule starts it (then today in
    Beijing, from the workflow's clock)."""

    day: date | None = None


class ReconcileSettings(BaseModel):
    page: int = 2000  # records per page of a site's export
    batch: int = 200  # differences sent again per activity


class SiteRun(BaseModel):
    run_id: str
    day: date
    target: TargetInfo
    page: int = 2000
    batch: int = 200


class SiteCompared(BaseModel):
    counts: dict[str, int]  # by domain.reconciliation.Difference
    to_redeliver: int


class SiteResult(BaseModel):
    target: str
    shown: int = 0
    counts: dict[str, int] = {}
    outcomes: dict[str, int] = {}  # by domain.reconciliation.Outcome
    error: str = ""  # the site could not be read (then nothing was compared)


class ReconcileResult(BaseModel):
    day: date
    run_id: str
    sites: list[SiteResult]
