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
