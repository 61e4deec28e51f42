"""Letters and the SMS about them: the 两书同达 reminder (PenaltyNoticeWorkflow), letter batches
(LetterBatchWorkflow), the repair decision letter (RepairDecisionWorkflow)."""

from __future__ import annotations

from pydantic import BaseModel

# ---- 两书同达 ------------------------------------------------------------------------------------
PENALTY_NOTICE_WORKFLOW = "PenaltyNoticeWorkflow"


def notice_workflow_id(record_id: str) -> str:
    return f"notice-{record_id}"


class LetterBatch(BaseModel):
    """Records whose letters to render together (one document, cut into one PDF each)."""

    record_ids: list[str]


class NoticeInput(BaseModel):
    record_id: str


REPAIR_DECISION_WORKFLOW = "RepairDecisionWorkflow"


def decision_workflow_id(case_id: str) -> str:
    return f"decision-{case_id}"


class DecisionLetterInput(BaseModel):
    case_id: str


LETTER_BATCH_WORKFLOW = "LetterBatchWorkflow"
LETTER_CHUNK = 50  # letters laid out as one document: big enough to share the fonts, small enough to retry


class LetterBatchInput(BaseModel):
    record_ids: list[str]


class ProgressSms(BaseModel):
    """One SMS about an application's progress, to its contact phone. `key` is made by the workflow from
    what it decided (the purpose, the case and the event's number), so a replayed or retried workflow task
    asks for the same message and the message centre delivers it once."""

    key: str
    application_id: str
    purpose: str  # filed | supplement_requested | approved | denied | not_accepted | repaired
    case_id: str = ""  # empty for the filing, which is about the whole application
    reason: str = ""


class RecordSms(BaseModel):
    """One SMS about one record. `window` makes a reminder once per eligibility date (a record whose
    window moves is reminded again), empty for once-ever messages."""

    record_id: str
    purpose: str  # letter_ready | eligible_soon
    window: str = ""
