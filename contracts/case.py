"""A repair case (RepairCaseWorkflow): its spec and limits, decisions, snapshots, deadlines, deliveries to the
sync targets, and the Updates and signals it takes, by name."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from contracts.record import CorrectionInput
from domain.model import RequestKind, Role
from domain.policy import TimeLimits
from domain.tracks import DecisionFrom, Track
from domain.transitions import Action, CaseState

CASE_WORKFLOW = "RepairCaseWorkflow"
DECIDE_UPDATE = "decide"
RESYNC_UPDATE = "resync"
WITHDRAW_SIGNAL = "withdraw"  # from ApplicationWorkflow to each of its undecided cases
CLOSE_SIGNAL = "record_withdrawn"  # from RecordWithdrawalWorkflow: the record itself no longer stands
PLAN_SIGNAL = "plan_outcome"  # from ApplicationWorkflow: how a restructuring plan ended (破产重整、和解)


def case_workflow_id(case_id: str) -> str:
    return f"case-{case_id}"


class Limits(BaseModel):
    """Working-day limits in force when the application was filed (config/policy.yaml). `decision_from`:
    the decision limit counts from the acceptance, or from the application (a removal from the abnormal
    list); histories from before tracks have none and count from the acceptance, as they did."""

    acceptance: int = 3
    decision: int = 7
    extension: int = 5
    max_extensions: int = 1
    decision_from: str = DecisionFrom.ACCEPTANCE.value


def limits_from(time_limits: TimeLimits) -> Limits:
    """The application's limits as config/policy.yaml `time_limits` gives them at filing time (a case with
    a track carries its own: `limits_of`)."""
    return Limits(**{name: getattr(time_limits, name) for name in Limits.model_fields if name != "decision_from"})


def limits_of(track: Track) -> Limits:
    """A case's limits, its track's at filing time: a later change of config/policy.yaml never moves them."""
    t = track.limits
    return Limits(acceptance=t.acceptance, decision=t.decision, extension=t.extension,
                  max_extensions=t.max_extensions, decision_from=t.decision_from.value)


class RestructuringRef(BaseModel):
    """The court's ruling approving the plan (domain/restructuring.py), as the timeline and the SMS name it."""

    kind: str  # reorganisation | settlement
    court: str
    ruling_no: str


class CaseSpec(BaseModel):
    case_id: str
    record_id: str
    record_no: str
    record_kind: str
    handler: str
    handler_region: str
    repair_channel: str
    track: str = ""  # 修复路径 (config/policy.yaml tracks); "" in histories from before tracks
    limits: Limits | None = None  # the track's limits; None: the application's (histories before tracks)
    # the vertical system its handlers decide in (config/handling.yaml), and its name; "": xiufu's workbench
    handled_in: str = ""
    handled_in_name: str = ""
    request: RequestKind = RequestKind.REPAIR  # an objection (异议申诉) is decided by correct, keep or approve
    restructuring: RestructuringRef | None = None  # the court's ruling a restructuring's case is filed with


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
    # the person's name as their sign-in gave it, for the audit trail to name them; never decides anything
    actor_name: str | None = None
    # a handling system's own id of the decision (its callback may come twice): applied once per case
    event_id: str | None = None
    # an objection upheld by correcting the record: the correction, as the issuer's would be (the next version)
    correction: CorrectionInput | None = None


class CaseEvent(BaseModel):
    seq: int
    at: datetime
    actor_role: str
    actor: str
    action: str
    state: CaseState
    message: str
    reason: str = ""
    external_id: str = ""  # a handling system's id of the decision this event records


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
    handled_in: str | None = None  # None: unchanged (histories from before vertical systems)


class CaseView(BaseModel):
    """What a decision answers."""

    case_id: str
    state: CaseState
    deadline: date | None
    provisional: bool
    overdue: bool
    refused: list[str] = []  # sync targets that refused the repair, waiting for an admin's resync
    handled_in: str = ""  # the vertical system deciding it, "" for the workbench


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


class CaseClosure(BaseModel):
    """The record of an open case withdrawn (its decision revoked or annulled): the case ends, closed."""

    cause: str  # domain.withdrawal.WithdrawalCause
    basis: str
    reason: str = ""
    actor: str  # the issuer's caller who told the hub (the audit trail reads a signal's actor and role)
    actor_role: Role


CASE_SIGNAL_INPUTS[CLOSE_SIGNAL] = CaseClosure


class PlanOutcomeInput(BaseModel):
    """The court's word on a restructuring plan (破产重整、和解), for every case of the application at once."""

    application_id: str
    outcome: str  # domain.restructuring.PlanOutcome
    ruling_no: str  # the court's ruling that the plan was carried out, or ended
    ruled_on: date
    actor: str
    actor_role: Role
    reason: str = ""  # as the court's system put it, for the timeline and the audit trail


CASE_SIGNAL_INPUTS[PLAN_SIGNAL] = PlanOutcomeInput


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
    shows: str = "all"  # whose records the site publishes (config/targets.yaml), for the reconciliation


class OverdueNotice(BaseModel):
    case_id: str
    handler: str
    handler_region: str
    due: date
    at: datetime


class DueDate(BaseModel):
    due: date
    provisional: bool


class HandOverInput(BaseModel):
    """A case handed to the vertical system its track names (activities/handling.hand_over)."""

    case_id: str
    system: str


class HandOverAck(BaseModel):
    reference: str  # the system's own number for the case


class HandlingNotice(BaseModel):
    """What the applicant did on a handed-over case, passed on to the system deciding it."""

    case_id: str
    system: str
    kind: str  # supplement | withdrawn
    seq: int  # the case event it reports: the notice's idempotency key with the case
    at: datetime
    reason: str = ""
