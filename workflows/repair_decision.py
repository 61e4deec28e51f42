"""RepairDecisionWorkflow: renders the repair decision (信用修复决定书) of an approved case and keeps it, for
the subject to download. One per case (its id is the case's); started when the document is first asked
for, so a case approved before this workflow existed gets its decision too."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities import decisions as decision_activities
    from contracts.letters import DecisionLetterInput

RENDER = {"start_to_close_timeout": timedelta(minutes=2),
          "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=1),
                                      non_retryable_error_types=["CaseNotDecided"])}


@workflow.defn(name="RepairDecisionWorkflow")
class RepairDecisionWorkflow:
    @workflow.run
    async def run(self, inp: DecisionLetterInput) -> bool:
        """True when this run rendered the decision, False when it was there already."""
        return await workflow.execute_activity(decision_activities.render_decision, inp, **RENDER)
