"""The commands the services take from outside (the API's request bodies are these models): validated
where they enter, so a service never sees a bad identifier, an unknown field or a control character."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from domain.errors import Code
from domain.identifiers import is_valid_id_number, is_valid_mobile, is_valid_uscc, normalize_id
from domain.model import RecordKind, Severity
from domain.text import invalid_text


class Incoming(BaseModel):
    """A request body: unknown fields refused, and no field holding control characters or invalid Unicode
    (refused here with the field named, rather than failing in the store after the request was trusted)."""

    model_config = ConfigDict(extra="forbid")
    checked_per_row: ClassVar[frozenset[str]] = frozenset()  # fields whose items are validated one by one later

    @field_validator("*", mode="before")
    @classmethod
    def _plain_text(cls, value: Any, info: Any) -> Any:
        if info.field_name not in cls.checked_per_row and invalid_text(value):
            raise PydanticCustomError(Code.INVALID_TEXT, "{field}含有控制字符或无效字符，请删除后重新提交",
                                      {"field": info.field_name})
        return value


def _uscc(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().upper()
    if not is_valid_uscc(value):
        raise PydanticCustomError(Code.INVALID_USCC, "统一社会信用代码不正确（GB 32100 校验不通过）")
    return value


def _id_number(value: str | None) -> str | None:
    if value is None:
        return None
    value = normalize_id(value)
    if not is_valid_id_number(value):
        raise PydanticCustomError(Code.INVALID_ID_NUMBER, "公民身份号码不正确（GB 11643 校验不通过）")
    return value


def checked_phone(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    value = value.strip()
    if not is_valid_mobile(value):
        raise PydanticCustomError(Code.INVALID_PHONE, "请填写正确的11位手机号码")
    return value


class SubjectIn(Incoming):
    uscc: str | None = None
    id_number: str | None = None
    name: str = Field(min_length=1, max_length=200)
    contact_phone: str | None = None

    @field_validator("uscc")
    @classmethod
    def _check_uscc(cls, v: str | None) -> str | None:
        return _uscc(v)

    @field_validator("id_number")
    @classmethod
    def _check_id_number(cls, v: str | None) -> str | None:
        return _id_number(v)

    @field_validator("contact_phone")
    @classmethod
    def _check_phone(cls, v: str | None) -> str | None:
        return checked_phone(v)

    @model_validator(mode="after")
    def _one_key(self) -> SubjectIn:
        if bool(self.uscc) == bool(self.id_number):
            raise PydanticCustomError(Code.SUBJECT_KEY_REQUIRED, "须填写统一社会信用代码或公民身份号码中的一项")
        return self

    @property
    def key(self) -> str:
        return self.uscc or self.id_number or ""


class RecordCreate(Incoming):
    kind: RecordKind
    record_no: str = Field(min_length=1, max_length=128)
    issuer: str = Field(min_length=1, max_length=64)
    severity: Severity
    decided_on: date
    subject: SubjectIn
    penalty_types: list[str] = Field(default_factory=list, max_length=13)
    fine_amount: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)
    summary: str | None = Field(default=None, max_length=2000)
    obligations_fulfilled: bool | None = None
