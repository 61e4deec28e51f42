"""Table models. API models live in api/schemas.py: a table row is never returned as it is."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class CreditRecord(SQLModel, table=True):
    """失信信息: one record as the issuing authority registered it, with what domain/ computed for it."""

    __tablename__ = "credit_record"
    __table_args__ = (sa.UniqueConstraint("issuer", "record_no", name="uq_credit_record_issuer_no"),)

    id: str = Field(primary_key=True, max_length=32)
    issuer: str = Field(index=True, max_length=64)
    record_no: str = Field(max_length=128)
    kind: str = Field(max_length=32)
    severity: str = Field(max_length=16)
    decided_on: date
    subject_key: str = Field(index=True, max_length=18)  # uscc or id_number
    subject_kind: str = Field(max_length=16)
    subject_name: str = Field(max_length=200)
    contact_phone: str | None = Field(default=None, max_length=20)
    penalty_types: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    fine_amount: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(16, 2), nullable=True))
    summary: str | None = Field(default=None, max_length=2000)
    obligations_fulfilled: bool | None = None
    # the day the issuer confirmed the obligations fulfilled after registration (a fine paid later), if it did
    obligations_confirmed_on: date | None = None
    obligations_confirmed_by: str | None = Field(default=None, max_length=128)
    min_publicity_end: date
    max_publicity_end: date = Field(index=True)
    eligible_from: date = Field(index=True)
    repairable: bool = True
    repair_channel: str = Field(max_length=32)
    handler: str = Field(index=True, max_length=64)
    state: str = Field(default="published", index=True, max_length=16)
    open_case_id: str | None = Field(default=None, max_length=32)
    body_hash: str = Field(max_length=64)
    registered_at: datetime
    registered_by: str = Field(max_length=128)
    repaired_at: datetime | None = None
    # withdrawn because its decision was revoked or annulled (domain/withdrawal.py): why, on what document,
    # when the issuer said so, by when every site must have taken it off, and when the last one did
    withdrawal_cause: str | None = Field(default=None, max_length=32)
    withdrawal_basis: str | None = Field(default=None, max_length=200)
    withdrawal_reason: str | None = Field(default=None, max_length=500)
    withdrawn_at: datetime | None = None
    withdrawal_due: date | None = None
    withdrawal_done_at: datetime | None = None
    withdrawal_overdue: bool = False
    version: int = 1  # corrections after registration (domain/correction.py); each kept in record_version
    # the day of a later penalty of the same sector within its publicity period, where its track checks
    # no_repeat (令第45号 第十四条): it cannot be repaired early
    penalised_again_on: date | None = None


class Application(SQLModel, table=True):
    """申请: what a subject (or a counter on its behalf) filed once, covering one or more records."""

    __tablename__ = "application"

    id: str = Field(primary_key=True, max_length=32)
    subject_key: str = Field(index=True, max_length=18)
    subject_name: str = Field(max_length=200)
    channel: str = Field(max_length=16)
    filed_by: str = Field(index=True, max_length=128)
    filed_by_role: str = Field(max_length=16)
    # the filer's name as their sign-in gave it (a counter's receipt names its clerk); None before 0013 and
    # for a credential without a name
    filed_by_name: str | None = Field(default=None, max_length=64)
    contact_phone: str = Field(max_length=20)
    filed_at: datetime
    # 查询码: ten digits a person reads out (domain/query_code.py); None only while the migration backfills
    query_code: str | None = Field(default=None, unique=True, index=True, max_length=10)
    workflow_started: bool = False  # the outbox flag: an application whose workflow did not start is retried
    closed_at: datetime | None = None


class RepairCase(SQLModel, table=True):
    """修复事项: one record in one application, handled by one authority; a projection of its workflow."""

    __tablename__ = "repair_case"

    id: str = Field(primary_key=True, max_length=32)
    application_id: str = Field(index=True, max_length=32)
    record_id: str = Field(index=True, max_length=32)
    handler: str = Field(index=True, max_length=64)
    handler_region: str = Field(index=True, max_length=6)
    repair_channel: str = Field(max_length=32)
    track: str | None = Field(default=None, max_length=64)  # 修复路径 filed on (config/policy.yaml tracks)
    # the vertical system deciding it (config/handling.yaml), None for the workbench
    handled_in: str | None = Field(default=None, max_length=32)
    request: str = Field(default="repair", max_length=16)  # repair | objection (domain.model.RequestKind)
    state: str = Field(index=True, max_length=32)
    deadline_kind: str | None = Field(default=None, max_length=16)
    deadline: date | None = None
    provisional: bool = False
    overdue: bool = False
    shielded: bool = False
    extensions_used: int = 0
    last_seq: int = 0  # the last event projected: replays of the projection skip what is there
    updated_at: datetime


class CaseEventRow(SQLModel, table=True):
    """One line of a case's timeline, as the workflow recorded it."""

    __tablename__ = "case_event"

    id: str = Field(primary_key=True, max_length=48)  # <case_id>:<seq>
    case_id: str = Field(index=True, max_length=32)
    seq: int
    at: datetime
    actor_role: str = Field(max_length=16)
    actor: str = Field(max_length=128)
    action: str = Field(max_length=32)
    state: str = Field(max_length=32)
    message: str = Field(max_length=500)
    reason: str = Field(default="", max_length=2000)
    # a handling system's id of the decision (its callback repeated after the case ended is answered from it)
    external_id: str = Field(default="", max_length=128)


class SyncDelivery(SQLModel, table=True):
    """A sync target's acknowledgement of a repaired (or shielded, or unshielded) record (一网修复,多网下线)."""

    __tablename__ = "sync_delivery"

    id: str = Field(primary_key=True, max_length=110)  # <case_id>:<target>:<action>
    case_id: str = Field(index=True, max_length=32)
    target: str = Field(max_length=32)
    action: str = Field(default="repair", max_length=16)
    target_name: str = Field(max_length=100)
    ack_id: str = Field(max_length=64)
    acknowledged_at: datetime
    # the body sent, so a reconciliation sends the same one again under the same key (null before 0022)
    payload: dict[str, object] | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))


class RecordVersion(SQLModel, table=True):
    """A correction of a record: the version it made, the values it replaced and put, why, by whom, when."""

    __tablename__ = "record_version"

    id: str = Field(primary_key=True, max_length=48)  # <record_id>:v<version>
    record_id: str = Field(index=True, max_length=32)
    version: int
    changes: dict[str, list[str | None]] = Field(sa_column=sa.Column(sa.JSON, nullable=False))  # field: [old, new]
    reason: str = Field(max_length=500)
    corrected_by: str = Field(max_length=128)
    corrected_at: datetime
    case_id: str | None = Field(default=None, max_length=32)  # the objection (异议申诉) that made it, if one did


class Objection(SQLModel, table=True):
    """异议申诉: what an objection case objects to and why (domain/objection.py); the case row is its process."""

    __tablename__ = "objection"

    case_id: str = Field(primary_key=True, max_length=32)
    record_id: str = Field(index=True, max_length=32)
    ground: str = Field(max_length=16)  # content | refusal
    # the refusal objected to (one objection per refusal: the unique index stops a second)
    refused_case_id: str | None = Field(default=None, max_length=32, unique=True)
    statement: str = Field(max_length=1000)
    # what the subject says the content should be, field: value (domain.correction.CORRECTABLE), if it says
    claimed: dict[str, str] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    filed_at: datetime


class Restructuring(SQLModel, table=True):
    """破产重整、和解 (domain/restructuring.py): the court's ruling an application was filed with, and how the court
    later said the plan ended; the application's cases are its process."""

    __tablename__ = "restructuring"

    application_id: str = Field(primary_key=True, max_length=32)
    subject_key: str = Field(index=True, max_length=18)
    kind: str = Field(max_length=16)  # reorganisation | settlement
    court: str = Field(max_length=64)  # the court's authority code (config/authorities.yaml)
    ruling_no: str = Field(max_length=100)
    ruled_on: date
    outcome: str | None = Field(default=None, max_length=16)  # carried_out | failed, once the court says
    outcome_ruling_no: str | None = Field(default=None, max_length=100)
    outcome_on: date | None = None
    outcome_at: datetime | None = None
    outcome_by: str | None = Field(default=None, max_length=128)


class RecordDelivery(SQLModel, table=True):
    """A sync target's acknowledgement of a delivery about a record itself, not a case's (a withdrawn record
    taken off); one per record, target and action, as its idempotency key says."""

    __tablename__ = "record_delivery"

    id: str = Field(primary_key=True, max_length=120)  # record:<record_id>:<target>:<action>
    record_id: str = Field(index=True, max_length=32)
    target: str = Field(max_length=32)
    target_name: str = Field(max_length=100)
    action: str = Field(max_length=16)
    ack_id: str = Field(max_length=64)
    acknowledged_at: datetime
    payload: dict[str, object] | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))


class Reconciliation(SQLModel, table=True):
    """对账 of one site in one run (domain/reconciliation.py): how far it got, what it read, what it found."""

    __tablename__ = "reconciliation"

    id: str = Field(primary_key=True, max_length=120)  # <run_id>:<target>
    run_id: str = Field(index=True, max_length=64)  # the workflow run's id
    day: date = Field(index=True)
    target: str = Field(max_length=32)
    target_name: str = Field(max_length=100)
    started_at: datetime
    cursor: str | None = Field(default=None, max_length=32)  # the last record id read of the site's export
    read_at: datetime | None = None
    shown: int = 0  # records the site said it shows
    compared_at: datetime | None = None
    counts: dict[str, int] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    redelivered: int = 0
    refused: int = 0
    finished_at: datetime | None = None
    error: str = Field(default="", max_length=300)  # why the site could not be read, if it could not


class SiteView(SQLModel, table=True):
    """What a site's export said it shows, staged for one run's comparison and dropped once compared."""

    __tablename__ = "site_view"
    __table_args__ = {"sqlite_with_rowid": False}

    run_id: str = Field(primary_key=True, max_length=64)
    target: str = Field(primary_key=True, max_length=32)
    record_id: str = Field(primary_key=True, max_length=64)
    version: int = 1


class SyncDifference(SQLModel, table=True):
    """One difference a reconciliation found between a site and the hub, and what was done about it."""

    __tablename__ = "sync_difference"
    __table_args__ = (sa.Index("ix_sync_difference_target_record", "target", "record_id"),)

    id: str = Field(primary_key=True, max_length=170)  # <run_id>:<target>:<record_id>
    run_id: str = Field(index=True, max_length=64)
    target: str = Field(max_length=32)
    record_id: str = Field(max_length=64)
    kind: str = Field(max_length=16)  # domain.reconciliation.Difference
    outcome: str = Field(max_length=16)  # domain.reconciliation.Outcome
    hub_state: str | None = Field(default=None, max_length=16)
    hub_version: int | None = None
    site_version: int | None = None
    delivery_key: str | None = Field(default=None, max_length=170)  # the hub's own delivery, sent again
    payload: dict[str, object] | None = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    ack_id: str | None = Field(default=None, max_length=64)
    found_at: datetime
    resolved_at: datetime | None = None
    note: str = Field(default="", max_length=300)


class Notification(SQLModel, table=True):
    """A message to people inside the platform (e.g. a supervisor told of an overdue case)."""

    __tablename__ = "notification"

    id: str = Field(primary_key=True, max_length=96)
    recipient_role: str = Field(max_length=16)
    recipient_scope: str = Field(index=True, max_length=64)
    case_id: str | None = Field(default=None, index=True, max_length=32)
    message: str = Field(max_length=500)
    created_at: datetime


class KeptPdf(SQLModel):
    """A rendered document's row: the PDF lives in the letters directory, the row says it is complete
    (written after the file, so a row always has its file)."""

    path: str = Field(max_length=200)  # relative to the letters directory
    sha256: str = Field(max_length=64)
    size: int
    rendered_at: datetime


class Letter(KeptPdf, table=True):
    """A rendered repair reminder letter (两书同达), one per record."""

    __tablename__ = "letter"

    record_id: str = Field(primary_key=True, max_length=32)


class SmsMessage(SQLModel, table=True):
    """An SMS the platform sends through the message centre, kept with its status. The id is the message's
    idempotency key (e.g. `letter-ready:<record>`), so the same message is never sent twice."""

    __tablename__ = "sms_message"

    id: str = Field(primary_key=True, max_length=96)
    record_id: str | None = Field(default=None, index=True, max_length=32)
    purpose: str = Field(max_length=32)  # letter_ready | eligible_soon | a progress one (contracts.letters)
    phone: str = Field(max_length=20)  # shown masked everywhere but to the message centre
    text: str = Field(max_length=500)
    status: str = Field(default="pending", max_length=16)  # pending | sent | failed
    provider_id: str | None = Field(default=None, max_length=64)
    error: str | None = Field(default=None, max_length=500)
    sweep_day: date | None = None  # the day whose sweep sent it (a reminder), for that day's figures
    created_at: datetime
    sent_at: datetime | None = None


class DailyFigure(SQLModel, table=True):
    """The day's monitoring figures (stock, increment, reminders and what they prompted), one row a day."""

    __tablename__ = "daily_figure"

    day: date = Field(primary_key=True)
    figures: dict = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    computed_at: datetime


class Material(SQLModel, table=True):
    """材料: a file uploaded for an application (proof that obligations are fulfilled, or a supplement).

    Uploaded first (unattached, owned by the uploader), then attached to its case in the filing's own
    transaction, so an application never exists without the proofs it was filed with. The bytes live in
    a content-addressed file (`sha256`) under the materials directory."""

    __tablename__ = "material"

    id: str = Field(primary_key=True, max_length=32)
    sha256: str = Field(max_length=64)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=64)
    size: int
    subject_key: str = Field(index=True, max_length=18)
    uploaded_by: str = Field(index=True, max_length=128)
    uploaded_role: str = Field(max_length=16)
    uploaded_at: datetime
    application_id: str | None = Field(default=None, index=True, max_length=32)
    case_id: str | None = Field(default=None, index=True, max_length=32)
    record_id: str | None = Field(default=None, max_length=32)
    purpose: str = Field(default="proof", max_length=16)  # proof | supplement


class Evaluation(SQLModel, table=True):
    """好差评: the applicant's rating of one authority's handling of an application, one per (application,
    handler): bottlenecks are analysed per authority, and an application may cover several."""

    __tablename__ = "evaluation"
    __table_args__ = (sa.UniqueConstraint("application_id", "handler", name="uq_evaluation_application_handler"),)

    id: str = Field(primary_key=True, max_length=32)
    application_id: str = Field(index=True, max_length=32)
    handler: str = Field(index=True, max_length=64)
    handler_region: str = Field(index=True, max_length=6)
    rating: int  # GB/T 39735 level, 5 (非常满意) to 1 (非常不满意)
    comment: str = Field(default="", max_length=500)
    rated_by: str = Field(max_length=128)
    rated_by_role: str = Field(max_length=16)
    rated_at: datetime
    follow_up_due: date | None = None  # a bad review: answered and rectified by this day


class DecisionLetter(KeptPdf, table=True):
    """A rendered repair decision (信用修复决定书), one per approved case."""

    __tablename__ = "decision_letter"

    case_id: str = Field(primary_key=True, max_length=32)


class RevokedSession(SQLModel, table=True):
    """A page session ended by its user (logout) before its token expired: the token is signed and would
    otherwise open the pages until `expires_at`. Rows past that are of no use and are purged."""

    __tablename__ = "revoked_session"

    jti: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = Field(index=True)


class DecisionNumber(SQLModel, table=True):
    """The number of a case's repair decision (宁市监信修决〔2026〕第12号), taken once before its first
    rendering and kept: a re-render or a retried activity prints the same one. `seq` counts within the
    handler and the approval's year, from 1 with none skipped (store/decision_numbers.py); `doc_no` is the
    text as printed, so a prefix changed in config later never changes a number already issued."""

    __tablename__ = "decision_number"
    __table_args__ = (sa.UniqueConstraint("handler", "year", "seq", name="uq_decision_number_seq"),)

    case_id: str = Field(primary_key=True, max_length=32)
    handler: str = Field(max_length=64)
    year: int
    seq: int
    doc_no: str = Field(max_length=64)
    allocated_at: datetime


class DecisionCounter(SQLModel, table=True):
    """The last sequence number given per handler and year: the row that concurrent allocations queue on."""

    __tablename__ = "decision_counter"

    handler: str = Field(primary_key=True, max_length=64)
    year: int = Field(primary_key=True)
    last_seq: int
