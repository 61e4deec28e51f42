"""RecordCorrectionWorkflow: one per correction of a record (its id names the version it makes, so the same
correction sent twice, or two at once, makes one version). The correction is applied in the hub and kept as
the record's version first; then every sync target is sent the new content through the delivery port
(`record:<id>:<target>:correct:v<n>`), each acknowledgement kept. No statutory limit is known for a
correction: the sites are retried until they answer, and one that refuses (4xx) is listed."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities import records as record_activities
    from contracts.record import CorrectionInput, CorrectionView
    from domain.correction import CORRECTABLE
    from workflows.record_sites import SiteDeliveries

STORE = {"start_to_close_timeout": timedelta(seconds=30),
         "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=30),
                                     non_retryable_error_types=["Superseded", "RecordUnknown"])}


@workflow.defn(name="RecordCorrectionWorkflow")
class RecordCorrectionWorkflow:
    def __init__(self) -> None:
        self.inp: CorrectionInput | None = None
        self.applied = False
        self.sites = SiteDeliveries("", "correct", "")
        self.done = False

    @workflow.run
    async def run(self, inp: CorrectionInput) -> CorrectionView:
        self.inp = inp
        try:
            await workflow.execute_activity(record_activities.apply_correction, inp, **STORE)
        except ActivityError as err:  # another correction made this version first: nothing of this one applies
            workflow.logger.warning("correction v%s of %s not applied: %s", inp.version, inp.record_id,
                                    err.cause or err)
            self.done = True
            return self.view()
        self.applied = True
        content = {field: new or "" for field, (_, new) in inp.changes.items()}
        reason = "更正" + "、".join(CORRECTABLE[f] for f in inp.changes) + f"：{inp.reason}"
        self.sites = SiteDeliveries(inp.record_id, "correct", reason, content=content, version=inp.version)
        await self.sites.start()
        await self.sites.finish()
        self.done = True
        return self.view()

    @workflow.query(name="progress")
    def progress(self) -> CorrectionView:
        return self.view()

    def view(self) -> CorrectionView:
        inp = self.inp
        return CorrectionView(record_id=inp.record_id if inp else "", version=inp.version if inp else 0,
                              applied=self.applied, acknowledged=sorted(self.sites.acknowledged),
                              refused=sorted(self.sites.refused), done=self.done)
