"""LetterBatchWorkflow: the reminder letters of a bulk import, rendered in the background in chunks, so a
registration of a thousand records answers at once. Each chunk is one activity: a retried chunk renders
only the letters still missing, and a letter asked for before its chunk is rendered on that request."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities import letters as letter_activities
    from contracts.letters import LETTER_CHUNK, LetterBatch, LetterBatchInput
    from workflows.penalty_notice import RENDER


@workflow.defn(name="LetterBatchWorkflow")
class LetterBatchWorkflow:
    @workflow.run
    async def run(self, inp: LetterBatchInput) -> int:
        rendered = 0
        for start in range(0, len(inp.record_ids), LETTER_CHUNK):
            chunk = inp.record_ids[start:start + LETTER_CHUNK]
            rendered += await workflow.execute_activity(letter_activities.render_letters,
                                                        LetterBatch(record_ids=chunk), **RENDER)
        return rendered
