"""Objections (异议申诉, issue 11 item 4): a subject, or a counter on its behalf, says that a published record's
content is wrong, or that a refusal of its repair (不予受理, 不予修复) was wrong. 国办发〔2025〕22号 (one source)
sends objections "to Credit China or the authority" with the outcome shared back; the hub routes each to
whoever decided what is objected to (谁认定、谁修复): the content to the unit that decided or listed the record,
a refusal to the authority that refused.

An objection is a case like a repair (accepted, reviewed, supplemented, extended, overdue, shielded, shown on
the progress page) on a track of its own (config/policy.yaml, `request: objection`), and ends in one of three
outcomes: the record corrected (its content changed and sent to every site, as the issuer's correction is),
kept as it is (the objection not upheld), or repaired (taken off every site, as an approved repair is)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import Code, DomainError
from domain.model import RecordState
from domain.transitions import CaseState


class ObjectionGround(StrEnum):
    CONTENT = "content"  # 信息内容有误: the record's content (a wrong amount, a wrong subject, wrong facts)
    REFUSAL = "refusal"  # 对不予受理、不予修复的决定有异议


GROUND_LABELS = {ObjectionGround.CONTENT: "信息内容有误", ObjectionGround.REFUSAL: "对不予受理、不予修复的决定有异议"}
REFUSALS = frozenset({CaseState.NOT_ACCEPTED, CaseState.DENIED})
# a record is objected to while sites show it: published, or hidden for now (shielded) while a case is late
OBJECTABLE = frozenset({RecordState.PUBLISHED, RecordState.SHIELDED})
STATEMENT_MAX = 1000


def ground_of(value: str) -> ObjectionGround:
    try:
        return ObjectionGround(value)
    except ValueError:
        raise DomainError(Code.INVALID_GROUND) from None


@dataclass(frozen=True)
class RefusedCase:
    """The refusal objected to, as the store has it."""

    case_id: str
    record_id: str
    state: CaseState
    handler: str
    objected: bool  # an objection to it was filed already


def objection_handler(ground: ObjectionGround, *, issuer: str, refused: RefusedCase | None) -> str:
    """Who decides the objection: the unit whose decision is objected to."""
    if ground is ObjectionGround.REFUSAL:
        assert refused is not None
        return refused.handler
    return issuer


def check_objection(ground: ObjectionGround, statement: str, *, record_id: str, record_state: RecordState,
                    refused: RefusedCase | None) -> None:
    """Refuses, before anything is stored, an objection without its reasons, to a record no site shows any
    more (nothing to object to), or to a refusal that is not this record's, not a refusal, or objected to
    already (one objection per refusal; its outcome is final on the platform, and the courts remain)."""
    if not statement.strip():
        raise DomainError(Code.STATEMENT_REQUIRED)
    if record_state not in OBJECTABLE:
        raise DomainError(Code.NOT_OBJECTABLE, record_id=record_id)
    if ground is ObjectionGround.REFUSAL:
        if refused is None or refused.record_id != record_id or refused.state not in REFUSALS:
            raise DomainError(Code.UNKNOWN_REFUSAL)
        if refused.objected:
            raise DomainError(Code.ALREADY_OBJECTED)
