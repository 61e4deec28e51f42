"""Telling every sync target about a record itself, not a case's repair (a withdrawn record taken off, a
corrected record's new content), from inside a record's workflow: one delivery a target, all at once, through
the delivery port with its idempotency key (activities/records.deliver_record), each acknowledgement kept by
the activity. Who acknowledged and who refused (4xx, not retried) are counted as they come, so the workflow
can wait for them under a deadline of its own."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities import records as record_activities
    from activities import sync as sync_activities
    from contracts.case import TargetInfo
    from contracts.record import RecordDeliveryInput

STORE = {"start_to_close_timeout": timedelta(seconds=30),
         "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=30))}
DELIVERY = {"start_to_close_timeout": timedelta(seconds=60),
            "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=5),
                                        non_retryable_error_types=["DeliveryRefused"])}


class SiteDeliveries:
    def __init__(self, record_id: str, action: str, reason: str, content: dict[str, str] | None = None,
                 version: int = 0) -> None:
        self.record_id, self.action, self.reason, self.content, self.version = (
            record_id, action, reason, content, version)
        self.targets = 0
        self.acknowledged: list[str] = []
        self.refused: list[str] = []
        self.tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        targets: list[TargetInfo] = await workflow.execute_activity(sync_activities.list_targets, **STORE)
        self.targets = len(targets)
        self.tasks = [asyncio.create_task(self._deliver(t)) for t in targets]

    def settled(self) -> bool:
        return len(self.acknowledged) + len(self.refused) == self.targets

    async def finish(self) -> None:
        await asyncio.gather(*self.tasks)

    async def _deliver(self, target: TargetInfo) -> None:
        try:
            await workflow.execute_activity(
                record_activities.deliver_record,
                RecordDeliveryInput(record_id=self.record_id, target=target.code, target_name=target.name,
                                    base_url=target.base_url, action=self.action, reason=self.reason,
                                    content=self.content, version=self.version), **DELIVERY)
        except ActivityError:
            self.refused.append(target.code)
            return
        self.acknowledged.append(target.code)
