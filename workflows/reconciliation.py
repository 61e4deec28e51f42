"""ReconciliationWorkflow (对账): once a day (a Temporal Schedule, or `xiufu reconcile --today` for a given day),
every sync target's export read back and set against the hub: a removal a site acknowledged and lost, a
record it shows again after a restore, a correction it missed are sent again with the first delivery's key;
what is not the hub's to send (a department's feed) is reported. One branch a site, all at once; each step
an activity that resumes where it stopped, so a run killed halfway finishes with nothing sent twice.

A site that cannot be read within the run's patience (down, refusing its export) is marked unreadable and
the others go on: the next day's run reads it again."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities import reconciliation as reconciliation_activities
    from activities import sync as sync_activities
    from contracts.case import TargetInfo
    from contracts.reconciliation import ReconcileInput, ReconcileResult, ReconcileSettings, SiteResult, SiteRun
    from domain.clock import beijing_date

STORE = {"start_to_close_timeout": timedelta(minutes=10),
         "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=1))}
# a site's export: retried while the site is down, for up to six hours, then marked unreadable for today
# heartbeats after every page and every delivery sent: a worker that dies is noticed within the minute
READ = {"start_to_close_timeout": timedelta(hours=1), "heartbeat_timeout": timedelta(seconds=60),
        "schedule_to_close_timeout": timedelta(hours=6),
        "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=5), non_retryable_error_types=["ExportRefused"])}
SEND = {"start_to_close_timeout": timedelta(minutes=30), "heartbeat_timeout": timedelta(seconds=60),
        "schedule_to_close_timeout": timedelta(hours=6),
        "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=5))}


@workflow.defn(name="ReconciliationWorkflow")
class ReconciliationWorkflow:
    @workflow.run
    async def run(self, inp: ReconcileInput, settings: ReconcileSettings) -> ReconcileResult:
        day = inp.day or beijing_date(workflow.now())
        run_id = workflow.info().run_id
        targets: list[TargetInfo] = await workflow.execute_activity(sync_activities.list_targets, **STORE)
        runs = [SiteRun(run_id=run_id, day=day, target=t, page=settings.page, batch=settings.batch) for t in targets]
        sites = await asyncio.gather(*(self._site(r) for r in runs))
        return ReconcileResult(day=day, run_id=run_id, sites=list(sites))

    async def _site(self, run: SiteRun) -> SiteResult:
        try:
            await workflow.execute_activity(reconciliation_activities.read_site, run, **READ)
            compared = await workflow.execute_activity(reconciliation_activities.compare_site, run, **STORE)
            left = compared.to_redeliver
            while left:
                left = await workflow.execute_activity(reconciliation_activities.redeliver, run, **SEND)
        except ActivityError as failed:
            cause = failed.cause.message if failed.cause is not None and hasattr(failed.cause, "message") else ""
            return await workflow.execute_activity(reconciliation_activities.site_unreadable,
                                                   args=[run, cause or str(failed)], **STORE)
        return await workflow.execute_activity(reconciliation_activities.finish_site, run, **STORE)
