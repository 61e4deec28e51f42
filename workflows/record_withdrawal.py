"""RecordWithdrawalWorkflow: one per record whose decision was revoked or annulled (复议、诉讼撤销, or by the
authority itself), started when its issuer tells the hub (POST /api/v1/records/{id}/withdrawal). Its id is
the record's, so telling it twice starts nothing new.

The record is marked withdrawn in the hub first (an application for it is refused from then on); a case open
for it is closed (the applicant told by its own workflow); every sync target is told to take it off through
the same delivery port as a repair, each acknowledgement kept; the time limit (`time_limits.record_withdrawal`,
3 working days) is a WorkdayDeadline: missed, the supervisors are told, once. When every site has
acknowledged, the subject is told by SMS. A site that refuses (4xx) is listed and the workflow ends without
the SMS (its promise would not be true); outages are retried until they end."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities import messages as message_activities
    from activities import records as record_activities
    from contracts.case import CLOSE_SIGNAL, CaseClosure, case_workflow_id
    from contracts.letters import RecordSms
    from contracts.record import WithdrawalInput, WithdrawalView, WithdrawnRecord
    from domain.withdrawal import CAUSE_LABELS, WithdrawalCause
    from workflows.deadline import WorkdayDeadline
    from workflows.record_sites import SiteDeliveries

STORE = {"start_to_close_timeout": timedelta(seconds=30),
         "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=30))}
SMS = {"start_to_close_timeout": timedelta(seconds=30), "schedule_to_close_timeout": timedelta(days=1),
       "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=5))}


@workflow.defn(name="RecordWithdrawalWorkflow")
class RecordWithdrawalWorkflow:
    def __init__(self) -> None:
        self.record_id = ""
        self.deadline = WorkdayDeadline()
        self.sites = SiteDeliveries("", "withdraw", "")
        self.done = False

    @workflow.run
    async def run(self, inp: WithdrawalInput) -> WithdrawalView:
        self.record_id = inp.record_id
        marked: WithdrawnRecord = await workflow.execute_activity(
            record_activities.mark_withdrawn, inp, result_type=WithdrawnRecord, **STORE)
        await self.deadline.start("withdrawal", marked.since, marked.workdays)
        if marked.open_case_id:
            await self._close(marked.open_case_id, inp)
        reason = f"{CAUSE_LABELS[WithdrawalCause(inp.cause)]}（{inp.basis}）"
        self.sites = SiteDeliveries(inp.record_id, "withdraw", reason)
        await self.sites.start()
        while not self.sites.settled():
            if await self.deadline.wait(self.sites.settled):
                break
            await self.deadline.recompute_if_provisional()
            if self.deadline.mark_overdue_if_passed():
                await workflow.execute_activity(record_activities.withdrawal_overdue, inp.record_id, **STORE)
        await self.sites.finish()
        if not self.sites.refused:
            await workflow.execute_activity(record_activities.withdrawal_done, inp.record_id, **STORE)
            try:
                await workflow.execute_activity(message_activities.send_record_sms,
                                                RecordSms(record_id=inp.record_id, purpose="record_withdrawn"), **SMS)
            except ActivityError as err:
                workflow.logger.warning("withdrawal SMS of %s given up: %s", inp.record_id, err.cause or err)
        self.done = True
        return self.view()

    async def _close(self, case_id: str, inp: WithdrawalInput) -> None:
        """The open case ends, closed, told by a signal (kept in its history); a case that ended meanwhile
        (decided, withdrawn) has nothing to close."""
        closure = CaseClosure(cause=inp.cause, basis=inp.basis, reason=inp.reason, actor=inp.by,
                              actor_role=inp.by_role)
        try:
            await workflow.get_external_workflow_handle(case_workflow_id(case_id)).signal(CLOSE_SIGNAL, closure)
        except Exception as err:  # noqa: BLE001 - not found: it has completed already
            workflow.logger.info("case %s not closed: %s", case_id, err)

    @workflow.query(name="progress")
    def progress(self) -> WithdrawalView:
        return self.view()

    def view(self) -> WithdrawalView:
        return WithdrawalView(record_id=self.record_id, due=self.deadline.due,
                              acknowledged=sorted(self.sites.acknowledged), refused=sorted(self.sites.refused),
                              overdue=self.deadline.overdue, done=self.done)
