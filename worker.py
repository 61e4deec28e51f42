"""The worker: wires workflows and activities to the task queue. Nothing else lives here."""

from __future__ import annotations

import asyncio
import logging
import signal
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from activities import calendar as calendar_activities
from activities import cases as case_activities
from activities import letters as letter_activities
from activities import messages as message_activities
from activities import sync as sync_activities
from config.settings import get_settings
from config.temporal import connect
from workflows.application import ApplicationWorkflow
from workflows.letter_batch import LetterBatchWorkflow
from workflows.penalty_notice import PenaltyNoticeWorkflow
from workflows.repair_case import RepairCaseWorkflow

WORKFLOWS = [ApplicationWorkflow, RepairCaseWorkflow, PenaltyNoticeWorkflow, LetterBatchWorkflow]
ACTIVITIES = [
    case_activities.project_case,
    case_activities.notify_overdue,
    case_activities.close_application,
    calendar_activities.add_workdays,
    calendar_activities.remaining_workdays,
    sync_activities.list_targets,
    sync_activities.deliver,
    letter_activities.render_letters,
    message_activities.send_record_sms,
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


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    client = await connect(settings)
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
