"""The objection's rules (domain/objection.py) and its moves (domain/transitions.py): who decides it, what is
refused before anything is stored, and the three outcomes in place of a repair's two."""

from __future__ import annotations

import pytest

from domain.errors import Code, DomainError
from domain.model import RecordState
from domain.objection import ObjectionGround, RefusedCase, check_objection, ground_of, objection_handler
from domain.transitions import Action, CaseFacts, CaseState, allowed_actions, next_state

DENIED = RefusedCase(case_id="case_1", record_id="rec_1", state=CaseState.DENIED, handler="320100-drc", objected=False)


def _refused(code: Code, ground: ObjectionGround = ObjectionGround.CONTENT, statement: str = "金额有误",
             state: RecordState = RecordState.PUBLISHED, refused: RefusedCase | None = None) -> None:
    with pytest.raises(DomainError) as err:
        check_objection(ground, statement, record_id="rec_1", record_state=state, refused=refused)
    assert err.value.code is code


def test_content_goes_to_the_issuer_and_a_refusal_to_who_refused():
    assert objection_handler(ObjectionGround.CONTENT, issuer="320100-tax", refused=None) == "320100-tax"
    assert objection_handler(ObjectionGround.REFUSAL, issuer="320100-tax", refused=DENIED) == "320100-drc"


def test_what_is_refused_before_anything_is_stored():
    _refused(Code.STATEMENT_REQUIRED, statement=" \n")
    for gone in (RecordState.REPAIRED, RecordState.WITHDRAWN, RecordState.UNPUBLISHED):
        _refused(Code.NOT_OBJECTABLE, state=gone)
    _refused(Code.UNKNOWN_REFUSAL, ObjectionGround.REFUSAL)
    _refused(Code.UNKNOWN_REFUSAL, ObjectionGround.REFUSAL, refused=RefusedCase("case_1", "rec_2", CaseState.DENIED,
                                                                              "x", False))
    _refused(Code.UNKNOWN_REFUSAL, ObjectionGround.REFUSAL, refused=RefusedCase("case_1", "rec_1",
                                                                              CaseState.REPAIRED, "x", False))
    _refused(Code.ALREADY_OBJECTED, ObjectionGround.REFUSAL, refused=RefusedCase("case_1", "rec_1",
                                                                               CaseState.NOT_ACCEPTED, "x", True))
    check_objection(ObjectionGround.REFUSAL, "已缴清", record_id="rec_1", record_state=RecordState.SHIELDED,
                    refused=DENIED)
    with pytest.raises(DomainError) as err:
        ground_of("angry")
    assert err.value.code is Code.INVALID_GROUND


def test_an_objection_ends_corrected_kept_or_repaired_never_denied():
    review = CaseFacts(state=CaseState.UNDER_REVIEW, objection=True)
    assert {Action.CORRECT, Action.KEEP, Action.APPROVE} <= allowed_actions(review)
    assert Action.DENY not in allowed_actions(review)
    assert next_state(review, Action.CORRECT, "核对原件") is CaseState.CORRECTING
    assert next_state(review, Action.KEEP, "属实") is CaseState.KEPT
    assert next_state(review, Action.APPROVE) is CaseState.APPROVED
    with pytest.raises(DomainError) as err:
        next_state(review, Action.KEEP)
    assert err.value.code is Code.REASON_REQUIRED
    repair = CaseFacts(state=CaseState.UNDER_REVIEW)
    assert not {Action.CORRECT, Action.KEEP} & allowed_actions(repair)
    with pytest.raises(DomainError) as err:
        next_state(CaseFacts(state=CaseState.CORRECTING, objection=True), Action.KEEP, "x")
    assert err.value.code is Code.CASE_DECIDED


def test_a_record_past_its_maximum_period_is_no_longer_shown_though_not_yet_ended():
    from datetime import date

    from domain.eligibility import shown_state

    today = date(2026, 12, 3)
    assert shown_state(RecordState.PUBLISHED, date(2026, 12, 2), today) is RecordState.UNPUBLISHED
    assert shown_state(RecordState.PUBLISHED, today, today) is RecordState.PUBLISHED
    assert shown_state(RecordState.SHIELDED, date(2026, 1, 1), today) is RecordState.SHIELDED
