"""What crosses the Temporal boundary: inputs, update arguments, snapshots. Small pydantic models, one
input object per call, so fields can be added later without breaking running workflows.

The API imports this module (not the workflow classes) to start workflows and send updates by name.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from domain.model import Role
from domain.policy import TimeLimits
from domain.transitions import Action, CaseState

APPLICATION_WORKFLOW = "ApplicationWorkflow"
CASE_WORKFLOW = "RepairCaseWorkflow"
DECIDE_UPDATE = "decide"
RESYNC_UPDATE = "resync"
WITHDRAW_UPDATE = "withdraw"  # to ApplicationWorkflow: the whole application at once
WITHDRAW_SIGNAL = "withdraw"  # from ApplicationWorkflow to each of its undecided cases


def application_workflow_id(application_id: str) -> str:
    return f"application-{application_id}"


def case_workflow_id(case_id: str) -> str:
    return f"case-{case_id}"


class Limits(BaseModel):
    """Working-day limits in force when the application was filed (config/policy.yaml)."""

    acceptance: int = 3
    decision: int = 7
    extension: int = 5
    max_extensions: int = 1


def limits_from(time_limits: TimeLimits) -> Limits:
    """The case's limits as config/policy.yaml gives them at filing time."""
    return Limits(**{name: getattr(time_limits, name) for name in Limits.model_fields})


class CaseSpec(BaseModel):
    case_id: str
    record_id: str
    record_no: str
    record_kind: str
    handler: str
    handler_region: str
    repair_channel: str


class ApplicationInput(BaseModel):
    application_id: str
    subject_key: str
    channel: str
    filed_by: str
    filed_by_role: Role
    filed_at: datetime
    limits: Limits
    cases: list[CaseSpec]


class WithdrawInput(BaseModel):
    """The applicant (or the counter that filed) withdraws the application: every case not yet decided."""

    actor: str
    actor_role: Role
    actor_subject: str | None = None
    reason: str = ""


class CaseInput(BaseModel):
    application_id: str
    spec: CaseSpec
    filed_by: str
    filed_by_role: Role
    filed_at: datetime
    limits: Limits


class DecisionInput(BaseModel):
    """One person's decision on a case, sent as a Temporal Update; the validator checks `actor_*`."""

    action: Action
    reason: str = ""
    actor: str
    actor_role: Role
    actor_authority: str | None = None
    actor_subject: str | None = None


class CaseEvent(BaseModel):
    seq: int
    at: datetime
    actor_role: str
    actor: str
    action: str
    state: CaseState
    message: str
    reason: str = ""


class Deadline(BaseModel):
    kind: str  # acceptance | decision
    start: date
    workdays: int
    due: date
    provisional: bool


class CaseSnapshot(BaseModel):
    """The case as the store should show it, with the events not yet projected."""

    case_id: str
    application_id: str
    record_id: str
    state: CaseState
    deadline: Deadline | None
    overdue: bool
    shielded: bool
    extensions_used: int
    events: list[CaseEvent]


class CaseView(BaseModel):
    """What a decision answers."""

    case_id: str
    state: CaseState
    deadline: date | None
    provisional: bool
    overdue: bool
    refused: list[str] = []  # sync targets that refused the repair, waiting for an admin's resync


# Every Update a case workflow takes, by name, with the type of its one argument: whoever reads a history
# (the audit trail) decodes each accepted Update by its name from here, so a new Update cannot be misread.
CASE_UPDATE_INPUTS: dict[str, type[BaseModel]] = {}


class WorkdaysInput(BaseModel):
    start: date
    workdays: int


class RemainingInput(BaseModel):
    today: date
    due: date


class ResyncInput(BaseModel):
    """An admin asks for the deliveries that targets refused to be sent again (after fixing the cause)."""

    actor: str
    actor_role: Role
    reason: str = ""


CASE_UPDATE_INPUTS.update({DECIDE_UPDATE: DecisionInput, RESYNC_UPDATE: ResyncInput})
# And the signals it takes (from its ApplicationWorkflow), likewise by name.
CASE_SIGNAL_INPUTS: dict[str, type[BaseModel]] = {WITHDRAW_SIGNAL: DecisionInput}


class DeliveryInput(BaseModel):
    case_id: str
    record_id: str
    subject_key: str
    target: str
    target_name: str
    base_url: str
    action: str = "repair"
    reason: str = "信用修复"


class DeliveryAck(BaseModel):
    target: str
    target_name: str
    ack_id: str
    acknowledged_at: datetime


class TargetInfo(BaseModel):
    code: str
    name: str
    base_url: str


class OverdueNotice(BaseModel):
    case_id: str
    handler: str
    handler_region: str
    due: date
    at: datetime


class DueDate(BaseModel):
    due: date
    provisional: bool


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


class RecordSms(BaseModel):
    """One SMS about one record. `window` makes a reminder once per eligibility date (a record whose
    window moves is reminded again), empty for once-ever messages."""

    record_id: str
    purpose: str  # letter_ready | eligible_soon
    window: str = ""


# ---- the daily sweep (跟踪监测并提供修复提醒服务) -------------------------------------------------------
REMINDER_SWEEP_WORKFLOW = "ReminderSweepWorkflow"
REMINDER_SCHEDULE_ID = "reminder-sweep"


def sweep_workflow_id(day: date) -> str:
    return f"sweep-{day.isoformat()}"


class SweepInput(BaseModel):
    """`day` for an operator's run (xiufu sweep --today); empty when the Schedule starts it (then: today in
    Beijing, from the workflow's clock)."""

    day: date | None = None


class SweepSettings(BaseModel):
    window_days: int
    follow_up_days: int
    page: int = 500


class SweepPage(BaseModel):
    day: date
    window_days: int = 0
    after_date: date | None = None
    after_id: str | None = None
    limit: int = 500


class SweepIds(BaseModel):
    ids: list[str]
    last_date: date | None = None
    last_id: str | None = None


class SweepSend(BaseModel):
    day: date
    record_ids: list[str]


class EndedBatch(BaseModel):
    ended: int
    reported: list[str]  # maximum reached, obligations unfulfilled: kept and reported, not dropped


class FiguresInput(BaseModel):
    day: date
    reminded: int = 0
    ended: int = 0
    reported: list[str] = []


class UploadsToPurge(BaseModel):
    """A page of uploads no application took: ids, and their files' digests (kept in the workflow's history,
    so a purge killed after deleting the rows still knows which files to look at)."""

    ids: list[str]
    digests: list[str]
    last_id: str | None = None


class SweepResult(BaseModel):
    day: date
    reminded: int
    ended: int
    reported: int
    figures: dict
    purged_uploads: int = 0
