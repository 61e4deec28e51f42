"""Request and response models of the JSON API, apart from the tables so no row leaks a field."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from domain.errors import Code
from domain.model import RecordKind, RepairChannel, Severity
from services.commands import Incoming, checked_phone  # the commands are the bodies


class SubjectPublic(BaseModel):
    kind: str
    uscc: str | None = None
    id_number_masked: str | None = None
    name: str
    contact_phone_masked: str | None = None


class EligibilityPublic(BaseModel):
    eligible: bool
    eligible_from: date | None
    reasons: list[str]
    reason_codes: list[str]


class RecordWithdrawal(BaseModel):
    """A record withdrawn because its decision was revoked or annulled: why, when, and by when every site
    must have taken it off (`time_limits.record_withdrawal` working days)."""

    cause: str  # reconsideration | litigation | self_correction
    cause_label: str
    basis: str
    reason: str | None = None
    requested_at: datetime
    due: date | None
    done_at: datetime | None = None  # every site acknowledged
    overdue: bool = False


class RecordPublic(BaseModel):
    id: str
    kind: RecordKind
    record_no: str
    issuer: str
    issuer_name: str
    severity: Severity
    decided_on: date
    subject: SubjectPublic
    penalty_types: list[str]
    fine_amount: Decimal | None
    summary: str | None
    min_publicity_end: date
    max_publicity_end: date
    eligible_from: date
    repairable: bool
    repair_channel: RepairChannel
    handler: str
    handler_name: str
    state: str
    open_case_id: str | None
    registered_at: datetime
    eligibility: EligibilityPublic | None = None
    # an application for this record must carry proof that the obligations are fulfilled (domain/materials.py)
    needs_proof: bool = True
    track: str = ""  # 修复路径 (config/policy.yaml tracks) an application for this record is handled on
    # the day the issuer confirmed the obligations fulfilled after registration (POST .../obligations-fulfilled)
    obligations_confirmed_on: date | None = None
    # who said so: the issuer (POST .../obligations-fulfilled) or the payment platform (POST .../payment-check)
    obligations_confirmed_source: Literal["issuer", "payment_platform"] | None = None
    withdrawal: RecordWithdrawal | None = None  # its decision revoked or annulled (POST .../withdrawal)
    version: int = 1  # corrections since registration (POST .../corrections): 1 as registered
    # the page offers to ask the payment platform about its fine (domain/payments.check_offered)
    payment_check: bool = False


class WithdrawalCreate(Incoming):
    """The issuer tells the hub a record's decision no longer stands."""

    cause: Literal["reconsideration", "litigation", "self_correction"]
    basis: str = Field(min_length=1, max_length=200)  # the revoking document's number (复议决定书、判决书文号)
    reason: str = Field(default="", max_length=500)


class CorrectionCreate(Incoming):
    """The issuer corrects a registered record: the fields to change with their new values."""

    changes: dict[str, str | None] = Field(min_length=1, max_length=3)  # subject_name | fine_amount | summary
    reason: str = Field(min_length=1, max_length=500)


class FieldChange(BaseModel):
    field: str
    label: str  # the field as people call it (罚款金额)
    old: str | None
    new: str | None


class CorrectionPublic(BaseModel):
    """One correction of a record: the version it made, what it changed, and which sites have the new content."""

    record_id: str
    version: int
    changes: list[FieldChange]
    reason: str
    corrected_at: datetime | None = None  # None until the hub has applied it (a moment after the request)
    objection_case_id: str | None = None  # the objection (异议申诉) whose outcome it is; None: the issuer's own
    sites_total: int
    acknowledged: list[DeliveryPublic] = []


class ObligationsFulfilled(Incoming):
    """The issuer confirms that a record's obligations are fulfilled (a fine paid later)."""

    fulfilled_on: date


class PaymentCheckPublic(BaseModel):
    """What the non-tax revenue payment platform says of a record's fine (POST .../payment-check): `paid` when a
    payment covering the whole fine is known (the record's obligations then fulfilled, no proof asked)."""

    record: RecordPublic
    paid: bool
    paid_on: date | None = None
    amount: Decimal | None = None  # what the platform's payment notice is for (None: no notice, or not asked)
    source: Literal["非税收入缴款系统"] = "非税收入缴款系统"


class AuthorityPublic(BaseModel):
    code: str
    name: str
    sector: str
    region: str
    level: str


class MaterialRef(Incoming):
    """An uploaded material (POST /materials) and the record it proves something for."""

    record_id: str
    material_id: str


class MaterialPublic(BaseModel):
    id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    record_id: str | None = None
    purpose: str = "proof"


class WithContactPhone(Incoming):
    """A filing's contact phone (every SMS of its progress goes there), checked as an 11-digit mobile number."""

    contact_phone: str

    @field_validator("contact_phone")
    @classmethod
    def _check_phone(cls, v: str) -> str:
        phone = checked_phone(v)
        if phone is None:
            raise PydanticCustomError(Code.INVALID_PHONE, "请填写正确的11位手机号码")
        return phone


class ApplicationCreate(WithContactPhone):
    subject: str = Field(min_length=15, max_length=18)
    record_ids: list[str] = Field(min_length=1, max_length=50)
    contact_phone: str
    commitment_signed: bool
    # proofs for the records that ask for them (RecordPublic.needs_proof), uploaded first
    materials: list[MaterialRef] = Field(default_factory=list, max_length=100)

class ObjectionCreate(WithContactPhone):
    """异议申诉: the subject (or a counter for it) objects to a published record's content, or to a refusal of
    its repair (`refused_case_id`, the case that was not accepted or denied)."""

    subject: str = Field(min_length=15, max_length=18)
    record_id: str = Field(min_length=1, max_length=32)
    ground: str  # content | refusal
    refused_case_id: str | None = Field(default=None, max_length=32)
    statement: str = Field(max_length=1000)  # the facts and reasons
    # what the content should be, field → value (subject_name | fine_amount | summary), if the subject says
    claimed: dict[str, str] = Field(default_factory=dict, max_length=3)
    contact_phone: str
    materials: list[str] = Field(default_factory=list, max_length=20)  # evidence uploaded first (POST /materials)

class ObjectionPublic(BaseModel):
    """What an objection objects to and why, and (once corrected) what was corrected."""

    ground: str
    ground_label: str
    statement: str
    refused_case_id: str | None = None
    claimed: list[FieldChange] = []  # what the subject says the content should be (old: as published)
    corrected: list[FieldChange] = []  # the correction made, once the hub has applied it


class RestructuringCreate(WithContactPhone):
    """破产重整、和解: an enterprise whose restructuring plan (or settlement agreement) a court approved applies
    with that ruling, for the records the plan covers (the subject, or a counter on its behalf)."""

    subject: str = Field(min_length=15, max_length=18)
    kind: str  # reorganisation (破产重整) | settlement (破产和解)
    court: str = Field(min_length=1, max_length=64)  # the court's code (GET /authorities, sector court)
    ruling_no: str = Field(max_length=100)  # the ruling approving the plan: （2026）苏01破12号之二
    ruled_on: date
    record_ids: list[str] = Field(min_length=1, max_length=50)
    contact_phone: str
    # the ruling's file(s), uploaded first (POST /materials): required (RULING_MATERIAL_REQUIRED)
    materials: list[str] = Field(default_factory=list, max_length=5)

class PlanOutcomeCreate(Incoming):
    """The court's system says how the plan ended: carried out (执行完毕), or failed (终止执行)."""

    outcome: str  # carried_out | failed
    ruling_no: str = Field(max_length=100)  # the court's ruling or confirmation saying so
    ruled_on: date


class PlanOutcomeTold(BaseModel):
    application_id: str
    outcome: str
    cases: list[str]  # the cases still running that it was passed to


class RestructuringPublic(BaseModel):
    """The court's ruling a restructuring application was filed with, and how the court said the plan ended."""

    kind: str
    kind_label: str  # 破产重整 | 破产和解
    court: str
    court_name: str
    ruling_no: str
    ruled_on: date
    outcome: str | None = None  # carried_out | failed, once the court has said
    outcome_label: str | None = None
    outcome_ruling_no: str | None = None
    outcome_on: date | None = None


class CaseBrief(BaseModel):
    id: str
    record_id: str
    handler: str
    state: str


class ApplicationCreated(BaseModel):
    id: str
    query_code: str  # 查询码: ten digits to read out to the hotline or a counter
    # false when the workflow service did not answer: the application is kept and starts within a minute
    started: bool = True
    cases: list[CaseBrief]


class TimelineEntry(BaseModel):
    at: datetime
    actor_role: str
    action: str
    message: str
    reason: str = ""


class DeliveryPublic(BaseModel):
    target: str
    target_name: str
    acknowledged_at: datetime


class WithdrawalPublic(BaseModel):
    """The withdrawal of a record as its issuer follows it: each site's acknowledgement as it comes."""

    record_id: str
    state: str  # the record's: withdrawn once the hub has marked it (a moment after the request)
    withdrawal: RecordWithdrawal | None  # None until the hub has marked it
    sites_total: int
    acknowledged: list[DeliveryPublic] = []


class CasePublic(BaseModel):
    id: str
    application_id: str
    record_id: str
    record_no: str
    record_kind: str
    handler: str
    handler_name: str
    repair_channel: str
    track: str | None = None  # 修复路径 (config/policy.yaml tracks) the case was filed on; None before tracks
    # the vertical system its handler decides it in (config/handling.yaml), None for xiufu's workbench
    handled_in: str | None = None
    handled_in_name: str | None = None
    state: str
    state_label: str
    deadline_kind: str | None
    deadline: date | None
    provisional: bool
    overdue: bool
    shielded: bool
    deliveries: list[DeliveryPublic] = []
    timeline: list[TimelineEntry] = []
    # the repair decision's number (宁市监信修决〔2026〕第12号), taken when the case is approved
    decision_no: str | None = None
    request: str = "repair"  # repair | objection (异议申诉)
    objection: ObjectionPublic | None = None


class ApplicationPublic(BaseModel):
    id: str
    query_code: str  # 查询码, shown to people in groups (domain/query_code.shown)
    subject: str
    subject_name: str
    channel: str
    filed_at: datetime
    closed: bool
    cases: list[CasePublic]
    restructuring: RestructuringPublic | None = None  # 破产重整、和解: the court's ruling, and the plan's outcome


class DecisionCreate(Incoming):
    action: str
    reason: str = Field(default="", max_length=2000)
    # `correct` (an objection upheld by correcting the record): the corrected content, field → new value
    # (subject_name | fine_amount | summary)
    changes: dict[str, str | None] | None = Field(default=None, max_length=3)


class SystemDecisionCreate(Incoming):
    """A decision a vertical system's caseworker took on a case handed to it (config/handling.yaml)."""

    event_id: str = Field(min_length=1, max_length=128)  # the system's id of the decision: a repeat is taken once
    action: str
    reason: str = Field(default="", max_length=2000)
    handled_by: str = Field(default="", max_length=64)  # the caseworker's name in that system, for the trail


class SupplementCreate(Incoming):
    """The applicant's answer to a supplement request: the materials uploaded for it (POST /materials)."""

    materials: list[str] = Field(default_factory=list, max_length=20)


class QueryLookup(Incoming):
    """A counter finds an application by the query code a person reads out and their phone's last 4 digits."""

    query_code: str = Field(min_length=1, max_length=32)  # spaces and dashes as read out are allowed
    phone_tail: str = Field(min_length=1, max_length=8)


WITHDRAW_REASON_MAX = 500


class WithdrawCreate(Incoming):
    """Why the applicant withdraws (optional; kept on each case's timeline)."""

    reason: str = Field(default="", max_length=WITHDRAW_REASON_MAX)


class ResyncCreate(Incoming):
    reason: str = Field(default="", max_length=2000)


class CaseDecided(BaseModel):
    id: str
    state: str
    deadline: date | None
    provisional: bool
    overdue: bool
    refused: list[str] = []  # sync targets that refused the repair (an admin may resync them)
    handled_in: str = ""  # the vertical system deciding it (config/handling.yaml), "" for the workbench


class HistoryEntry(BaseModel):
    event_id: int
    at: datetime
    event_type: str
    actor: str | None = None
    actor_role: str | None = None
    actor_name: str | None = None  # the person's name, where their sign-in gave one
    action: str | None = None
    reason: str | None = None
    outcome: str | None = None
    target: str | None = None  # a delivery: the site it went to (sync target code)
    target_name: str | None = None
    attempts: int | None = None  # a delivery: the attempts the activity took (retries inside one schedule)


class CaseHistory(BaseModel):
    case_id: str
    workflow_id: str
    run_id: str
    temporal_ui_url: str
    events: list[HistoryEntry]


class RecordBatch(Incoming):
    """Up to 1,000 records a call (bulk import of the existing stock); each row is checked on its own."""

    checked_per_row: ClassVar[frozenset[str]] = frozenset({"records"})  # a bad row never sinks the others

    records: list[dict[str, Any]] = Field(min_length=1, max_length=1000)


class RowResult(BaseModel):
    index: int
    status: str  # created | existing | error
    id: str | None = None
    code: str | None = None
    message: str | None = None
    errors: list[dict[str, str]] | None = None


class BatchResult(BaseModel):
    created: int
    existing: int
    failed: int
    results: list[RowResult]


class MessagePublic(BaseModel):
    id: str
    purpose: str
    channel: str = "sms"
    phone_masked: str
    text: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    error: str | None


class EvaluationCreate(Incoming):
    """好差评 of one handling authority: `rating` 5 (非常满意) to 1 (非常不满意), a comment required from 2 down."""

    handler: str = Field(min_length=1, max_length=64)
    rating: int
    comment: str = ""


class EvaluationPublic(BaseModel):
    id: str
    application_id: str
    handler: str
    handler_name: str
    rating: int
    rating_label: str
    bad: bool
    comment: str
    rated_at: datetime
    follow_up_due: date | None = None


class RatingSlot(BaseModel):
    """One authority that handled a case of the application: its rating, or whether it can be rated now."""

    handler: str
    handler_name: str
    can_rate: bool
    evaluation: EvaluationPublic | None = None


class AuthorityRatings(BaseModel):
    authority: str
    authority_name: str
    counts: dict[int, int]  # rating level -> how many
    total: int
    bad: int


class EvaluationSummary(BaseModel):
    authorities: list[AuthorityRatings]
    evaluations: list[EvaluationPublic]


class StagePublic(BaseModel):
    stage: str
    label: str
    cases: int
    mean_hours: float | None


class AuthorityCases(BaseModel):
    authority: str
    authority_name: str
    by_state: dict[str, int]
    total: int


class SupervisionSummary(BaseModel):
    region: str | None  # None: the whole province
    states: list[str]
    authorities: list[AuthorityCases]
    overdue: list[CasePublic]
    stages: list[StagePublic]
    ratings: list[AuthorityRatings]


# ---- 对账 (issue 12): what each site shows against the hub -------------------------------------------------
class SiteReconciled(BaseModel):
    """One site's last reconciliation: what it said it shows, the differences by class
    (domain.reconciliation.Difference) and what was done about them (Outcome)."""

    target: str
    target_name: str
    run_id: str
    day: date
    started_at: datetime
    read_at: datetime | None = None
    finished_at: datetime | None = None
    shown: int = 0
    counts: dict[str, int]
    outcomes: dict[str, int]
    error: str = ""  # the site could not be read in that run


class WaitingRepair(BaseModel):
    """A repair not yet acknowledged by every site: still retried by its case, or refused by a site (then it
    waits for an admin's resync, POST /cases/{id}/resync)."""

    case_id: str
    record_id: str
    handler: str
    handler_name: str
    approved_at: datetime | None = None
    acknowledged: int  # sites that acknowledged it
    targets: int  # sites it goes to
    refused: list[str] = []  # each refusal since the last resync, as the case's timeline says it


class SyncBoard(BaseModel):
    sites: list[SiteReconciled]
    labels: dict[str, str]  # each class and outcome, as people read it
    waiting: list[WaitingRepair] = []  # oldest approval first (at most 200)
    oldest_waiting_since: datetime | None = None  # the approval of the oldest repair not acknowledged everywhere


class DifferencePublic(BaseModel):
    id: str
    run_id: str
    target: str
    record_id: str
    kind: str
    kind_label: str
    outcome: str
    outcome_label: str
    hub_state: str | None = None
    hub_version: int | None = None
    site_version: int | None = None
    delivery_key: str | None = None  # the hub's own delivery sent again, when the hub owns the difference
    found_at: datetime
    resolved_at: datetime | None = None
    note: str = ""


class DifferencePage(BaseModel):
    items: list[DifferencePublic]
    next: str | None = None  # pass as `after` for the next page


class ReconciliationStarted(BaseModel):
    workflow_id: str
    day: date


class SiteCheck(BaseModel):
    """Whether a site still showed a repaired record when the hub last read it back (对账)."""

    target: str
    target_name: str
    checked_at: datetime | None = None  # when the site's export was read; null: not read since the repair
    shown: bool | None = None  # null while not checked since the repair
    outcome: str | None = None  # what the hub did about a site still showing it (domain.reconciliation.Outcome)
    doing: str = ""  # the same, as the applicant reads it


class CaseSiteChecks(BaseModel):
    case_id: str
    record_id: str
    checks: list[SiteCheck]


class ApplicationSiteChecks(BaseModel):
    application_id: str
    cases: list[CaseSiteChecks]  # the repaired cases only
