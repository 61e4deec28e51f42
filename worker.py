"""The worker: wires workflows and activities to the task queue. Nothing else lives here."""

from __future__ import annotations

import asyncio
import logging
import signal
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleRange,
    ScheduleSpec,
    ScheduleUpdate,
)
from temporalio.worker import Worker

from activities import calendar as calendar_activities
from activities import cases as case_activities
from activities import decisions as decision_activities
from activities import handling as handling_activities
from activities import letters as letter_activities
from activities import messages as message_activities
from activities import monitoring as monitoring_activities
from activities import reconciliation as reconciliation_activities
from activities import records as record_activities
from activities import sync as sync_activities
from config.loader import load_monitoring
from config.logs import configure_logging
from config.settings import Settings, get_settings
from config.temporal import connect
from contracts.reconciliation import (
    RECONCILIATION_SCHEDULE_ID,
    RECONCILIATION_WORKFLOW,
    ReconcileInput,
)
from contracts.sweep import REMINDER_SCHEDULE_ID, REMINDER_SWEEP_WORKFLOW, SweepInput, SweepSettings
from services.reconciling import reconcile_settings
from workflows.application import ApplicationWorkflow
from workflows.letter_batch import LetterBatchWorkflow
from workflows.penalty_notice import PenaltyNoticeWorkflow
from workflows.reconciliation import ReconciliationWorkflow
from workflows.record_correction import RecordCorrectionWorkflow
from workflows.record_withdrawal import RecordWithdrawalWorkflow
from workflows.reminder_sweep import ReminderSweepWorkflow
from workflows.repair_case import RepairCaseWorkflow
from workflows.repair_decision import RepairDecisionWorkflow

WORKFLOWS = [ApplicationWorkflow, RepairCaseWorkflow, PenaltyNoticeWorkflow, LetterBatchWorkflow,
             ReminderSweepWorkflow, RepairDecisionWorkflow, RecordWithdrawalWorkflow,
             RecordCorrectionWorkflow, ReconciliationWorkflow]
ACTIVITIES = [
    case_activities.project_case,
    case_activities.notify_overdue,
    case_activities.close_application,
    case_activities.record_plan_outcome,
    calendar_activities.add_workdays,
    calendar_activities.remaining_workdays,
    sync_activities.list_targets,
    sync_activities.deliver,
    record_activities.mark_withdrawn,
    record_activities.deliver_record,
    record_activities.withdrawal_overdue,
    record_activities.withdrawal_done,
    record_activities.apply_correction,
    handling_activities.hand_over,
    handling_activities.tell_system,
    letter_activities.render_letters,
    decision_activities.render_decision,
    message_activities.send_record_sms,
    message_activities.send_progress_sms,
    monitoring_activities.select_reminders,
    monitoring_activities.send_reminders,
    monitoring_activities.select_past_maximum,
    monitoring_activities.end_publication,
    monitoring_activities.keep_figures,
    monitoring_activities.select_unattached_uploads,
    monitoring_activities.purge_uploads,
    monitoring_activities.select_unpaid_fines,
    monitoring_activities.ask_payments,
    reconciliation_activities.read_site,
    reconciliation_activities.compare_site,
    reconciliation_activities.redeliver,
    reconciliation_activities.finish_site,
    reconciliation_activities.site_unreadable,
]

# Activities run in a thread pool of this size, and Temporal hands out no more at once: more would queue
# inside the executor, out of Temporal's sight, and time out there.
ACTIVITY_THREADS = 16


def build_worker(client: Client, task_queue: str, executor: ThreadPoolExecutor) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=ACTIVITIES,
        activity_executor=executor,
        graceful_shutdown_timeout=timedelta(seconds=10),
        max_concurrent_activities=ACTIVITY_THREADS,
    )


def sweep_settings(config_dir: Path) -> SweepSettings:
    monitoring = load_monitoring(config_dir)
    return SweepSettings(window_days=int(monitoring["reminder_window_days"]),
                         follow_up_days=int(monitoring["follow_up_days"]))


async def ensure_schedules(client: Client, settings: Settings) -> None:
    """The daily ReminderSweepWorkflow and ReconciliationWorkflow as Temporal Schedules at config/monitoring.yaml's
    times (Beijing): created if missing, brought up to date with the config if present."""
    monitoring = load_monitoring(settings.config_dir)
    zone = str(monitoring["time_zone"])
    await _ensure(client, REMINDER_SCHEDULE_ID, str(monitoring["daily_at"]), zone, ScheduleActionStartWorkflow(
        REMINDER_SWEEP_WORKFLOW, args=[SweepInput(), sweep_settings(settings.config_dir)],
        id="reminder-sweep-run", task_queue=settings.task_queue))
    await _ensure(client, RECONCILIATION_SCHEDULE_ID, str(monitoring.get("reconcile_at", "02:30")), zone,
                  ScheduleActionStartWorkflow(
                      RECONCILIATION_WORKFLOW, args=[ReconcileInput(), reconcile_settings(settings.config_dir)],
                      id="reconciliation-run", task_queue=settings.task_queue))


async def _ensure(client: Client, schedule_id: str, at: str, zone: str, action: ScheduleActionStartWorkflow) -> None:
    hour, minute = (int(x) for x in at.split(":"))
    schedule = Schedule(
        action=action,
        spec=ScheduleSpec(calendars=[ScheduleCalendarSpec(hour=[ScheduleRange(hour)], minute=[ScheduleRange(minute)])],
                          time_zone_name=zone),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=timedelta(hours=12)),
    )
    try:
        await client.create_schedule(schedule_id, schedule)
        logging.info("schedule %s created: daily at %s %s", schedule_id, at, zone)
    except ScheduleAlreadyRunningError:
        await client.get_schedule_handle(schedule_id).update(lambda current: ScheduleUpdate(schedule=schedule))


async def main() -> None:
    configure_logging()
    settings = get_settings()
    client = await connect(settings)
    await ensure_schedules(client, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as executor:
        worker = build_worker(client, settings.task_queue, executor)
        async with worker:
            logging.info("worker polling task queue %s on %s", settings.task_queue, settings.temporal_address)
            await stop.wait()
        logging.info("worker stopped")


if __name__ == "__main__":
    asyncio.run(main())
