"""ApplicationWorkflow: one application (申请), split into one RepairCaseWorkflow per record, each routed to
the authority that decided it (谁认定、谁修复)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities import cases as case_activities
    from workflows.contracts import ApplicationInput, CaseInput, CaseView, case_workflow_id
    from workflows.repair_case import RepairCaseWorkflow


@workflow.defn(name="ApplicationWorkflow")
class ApplicationWorkflow:
    def __init__(self) -> None:
        self.results: list[CaseView] = []

    @workflow.run
    async def run(self, inp: ApplicationInput) -> list[CaseView]:
        # Children outlive a terminated parent: a case a caseworker is handling is never cut off.
        handles = [
            await workflow.start_child_workflow(
                RepairCaseWorkflow.run,
                CaseInput(application_id=inp.application_id, spec=spec, filed_by=inp.filed_by,
                          filed_by_role=inp.filed_by_role, filed_at=inp.filed_at, limits=inp.limits),
                id=case_workflow_id(spec.case_id),
                parent_close_policy=ParentClosePolicy.ABANDON,
            )
            for spec in inp.cases
        ]
        self.results = list(await asyncio.gather(*handles))
        await workflow.execute_activity(
            case_activities.close_application, inp.application_id,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30)),
        )
        return self.results
