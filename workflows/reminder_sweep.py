"""ReminderSweepWorkflow: once a day (a Temporal Schedule, or `xiufu sweep --today` for a given day):
SMS reminders to records becoming eligible within the window, end of publication for records past their
maximum period, uploads no application took purged, unpaid fines asked of the payment platform, and the
day's figures. Pages of ids flow through activities; every effect is idempotent,
so a sweep killed halfway and started again completes without sending anything twice."""

from __future__ import annotations

from datetime import date, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities import monitoring as monitoring_activities
    from contracts.sweep import (
        FiguresInput,
        PaymentsAsked,
        SweepIds,
        SweepInput,
        SweepPage,
        SweepResult,
        SweepSend,
        SweepSettings,
        UploadsToPurge,
    )
    from domain.clock import beijing_date

PAYMENTS_ASKED = "payments-asked"  # patch: the payment platform asked about unpaid fines

QUERY = {"start_to_close_timeout": timedelta(minutes=2), "retry_policy": RetryPolicy(maximum_interval=timedelta(
    minutes=1))}
WORK = {"start_to_close_timeout": timedelta(minutes=30), "heartbeat_timeout": timedelta(minutes=2),
        "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=5))}


@workflow.defn(name="ReminderSweepWorkflow")
class ReminderSweepWorkflow:
    @workflow.run
    async def run(self, inp: SweepInput, settings: SweepSettings) -> SweepResult:
        day = inp.day or beijing_date(workflow.now())
        reminded = 0
        page = SweepPage(day=day, window_days=settings.window_days, limit=settings.page)
        while True:
            found = await workflow.execute_activity(monitoring_activities.select_reminders, page, **QUERY)
            if not found.ids:
                break
            reminded += await workflow.execute_activity(
                monitoring_activities.send_reminders, SweepSend(day=day, record_ids=found.ids), **WORK)
            page = page.model_copy(update={"after_date": found.last_date, "after_id": found.last_id})
        ended, reported = 0, []
        page = SweepPage(day=day, limit=settings.page)
        while True:
            found = await workflow.execute_activity(monitoring_activities.select_past_maximum, page, **QUERY)
            if not found.ids:
                break
            done = await workflow.execute_activity(
                monitoring_activities.end_publication, SweepSend(day=day, record_ids=found.ids), **WORK)
            ended, reported = ended + done.ended, reported + done.reported
            page = page.model_copy(update={"after_date": found.last_date, "after_id": found.last_id})
        purged = await self._purge_unattached_uploads(day, settings) \
            if workflow.patched("purge-unattached-uploads") else 0
        confirmed = await self._ask_payments(day, settings) if workflow.patched(PAYMENTS_ASKED) else 0
        figures = await workflow.execute_activity(monitoring_activities.keep_figures, FiguresInput(
            day=day, reminded=reminded, ended=ended, reported=reported), **QUERY)
        return SweepResult(day=day, reminded=reminded, ended=ended, reported=len(reported), figures=figures,
                           purged_uploads=purged, payments_confirmed=confirmed)

    async def _ask_payments(self, day: date, settings: SweepSettings) -> int:
        """Fines the hub does not know to be paid, asked of the payment platform (issue 11: the platform asks
        the payment side itself, so no receipt is asked when the data already says so)."""
        confirmed = 0
        page = SweepPage(day=day, limit=settings.page)
        while True:
            found: SweepIds = await workflow.execute_activity(monitoring_activities.select_unpaid_fines, page, **QUERY)
            if not found.ids:
                return confirmed
            asked: PaymentsAsked = await workflow.execute_activity(
                monitoring_activities.ask_payments, SweepSend(day=day, record_ids=found.ids), **WORK)
            confirmed += asked.confirmed
            page = page.model_copy(update={"after_id": found.last_id})

    async def _purge_unattached_uploads(self, day: date, settings: SweepSettings) -> int:
        """Uploads no application took, past their days: personal data kept for no purpose."""
        purged = 0
        page = SweepPage(day=day, limit=settings.page)
        while True:
            found: UploadsToPurge = await workflow.execute_activity(
                monitoring_activities.select_unattached_uploads, page, **QUERY)
            if not found.ids:
                return purged
            purged += await workflow.execute_activity(monitoring_activities.purge_uploads, found, **WORK)
            page = page.model_copy(update={"after_id": found.last_id})
