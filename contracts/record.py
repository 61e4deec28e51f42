"""A record's own process after registration (RecordWithdrawalWorkflow): withdrawn because its decision was
revoked or annulled, taken off every site, its open case closed, its subject told."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from domain.model import Role

RECORD_WITHDRAWAL_WORKFLOW = "RecordWithdrawalWorkflow"


def withdrawal_workflow_id(record_id: str) -> str:
    """One withdrawal per record: the issuer telling it twice starts nothing new."""
    return f"record-withdrawal-{record_id}"


class WithdrawalInput(BaseModel):
    record_id: str
    cause: str  # domain.withdrawal.WithdrawalCause
    basis: str  # the document that revoked it (复议决定书、判决书、撤销决定的文号)
    reason: str = ""
    by: str
    by_role: Role
    at: datetime


class WithdrawnRecord(BaseModel):
    """What marking the record withdrawn found: the case open for it (to close), and where the sites' time
    limit counts from and how long it is (the workflow's deadline computes the day, as the store keeps it)."""

    open_case_id: str | None
    since: date  # the day the issuer told the hub: the limit counts from it
    workdays: int


class RecordDeliveryInput(BaseModel):
    record_id: str
    target: str
    target_name: str
    base_url: str
    action: str = "withdraw"  # withdraw | correct
    reason: str = ""
    content: dict[str, str] | None = None  # a correction's new values, by field
    version: int = 0  # a correction's version: each version is its own delivery


class WithdrawalView(BaseModel):
    """The withdrawal as its workflow holds it (its query), and as it answers when done."""

    record_id: str
    due: date | None = None
    acknowledged: list[str] = []
    refused: list[str] = []
    overdue: bool = False
    done: bool = False


RECORD_CORRECTION_WORKFLOW = "RecordCorrectionWorkflow"


def correction_workflow_id(record_id: str, version: int) -> str:
    """One workflow a version: a correction sent twice (or two at once) makes one version 2, not two."""
    return f"record-correction-{record_id}-v{version}"


class CorrectionInput(BaseModel):
    record_id: str
    version: int  # the version this correction makes (the record's before it, plus one)
    changes: dict[str, tuple[str | None, str | None]]  # field -> (old, new), as domain.correction.changes gives
    reason: str
    by: str
    by_role: Role
    at: datetime
    case_id: str = ""  # the objection (异议申诉) whose outcome this correction is, "" for the issuer's own


class CorrectionView(BaseModel):
    record_id: str
    version: int
    applied: bool = False
    acknowledged: list[str] = []
    refused: list[str] = []
    done: bool = False
