"""PenaltyNoticeWorkflow: one per registered penalty (or serious-list) decision: renders the repair
reminder letter that is served with the decision (两书同达) and keeps it for the enforcement system to
print. Its id is the record's, so registering the same record again starts nothing new."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities import letters as letter_activities
    from activities import messages as message_activities
    from contracts.letters import LetterBatch, NoticeInput, RecordSms

LETTER_READY_SMS = "letter-ready-sms"  # patch: histories from before it replay without the SMS
SMS = {"start_to_close_timeout": timedelta(seconds=60),
       "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=10))}
RENDER = {"start_to_close_timeout": timedelta(minutes=2),
          "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=1))}


@workflow.defn(name="PenaltyNoticeWorkflow")
class PenaltyNoticeWorkflow:
    @workflow.run
    async def run(self, inp: NoticeInput) -> int:
        rendered = await workflow.execute_activity(letter_activities.render_letters,
                                                   LetterBatch(record_ids=[inp.record_id]), **RENDER)
        if workflow.patched(LETTER_READY_SMS):  # the subject is told by SMS that the letter is ready
            await workflow.execute_activity(message_activities.send_record_sms,
                                            RecordSms(record_id=inp.record_id, purpose="letter_ready"), **SMS)
        return rendered
