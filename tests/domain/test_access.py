from __future__ import annotations

import pytest

from domain.access import (
    Principal,
    QueueScope,
    actor,
    can_answer_supplement,
    can_decide,
    can_file_at_counter,
    can_oversee,
    can_rate,
    can_read_history,
    can_read_record_messages,
    can_register_record,
    can_resync,
    can_see_case,
    can_see_record,
    can_withdraw,
    queue_scope,
    refusal_to_act,
    sees_province,
)
from domain.authorities import region_contains
from domain.model import Role
from domain.transitions import Action

CASE = dict(subject_key="91320100MA1XXXXXX1", filed_by="window:1", handler="320100-transport",
            handler_region="320100")


def test_regions_nest():
    assert region_contains("320000", "320100") and region_contains("320100", "320102")
    assert not region_contains("320100", "320200")


def test_who_sees_a_case():
    assert can_see_case(Principal("a", Role.APPLICANT, subject=CASE["subject_key"]), **CASE)
    assert not can_see_case(Principal("b", Role.APPLICANT, subject="other"), **CASE)
    assert can_see_case(Principal("window:1", Role.WINDOW), **CASE)
    assert not can_see_case(Principal("window:2", Role.WINDOW), **CASE)
    assert can_see_case(Principal("c", Role.CASEWORKER, authority="320100-transport"), **CASE)
    assert not can_see_case(Principal("c", Role.CASEWORKER, authority="320200-transport"), **CASE)
    assert can_see_case(Principal("s", Role.SUPERVISOR, region="320000"), **CASE)
    assert not can_see_case(Principal("s", Role.SUPERVISOR, region="320500"), **CASE)
    assert not can_see_case(Principal("i", Role.INTEGRATOR, authority="320100-transport"), **CASE)


def test_only_the_issuer_registers_and_only_the_handler_decides():
    assert can_register_record(Principal("i", Role.INTEGRATOR, authority="320100-tax"), "320100-tax")
    assert not can_register_record(Principal("i", Role.INTEGRATOR, authority="320100-tax"), "320200-tax")
    assert can_register_record(Principal("root", Role.ADMIN), "320200-tax")
    assert can_decide(Principal("c", Role.CASEWORKER, authority="320100-tax"), "320100-tax")
    assert not can_decide(Principal("s", Role.SUPERVISOR, region="320000"), "320100-tax")
    assert can_see_record(Principal("w", Role.WINDOW), subject_key="x", handler="h", handler_region="320100")


# The access table: for each role, what it may do. One row per principal, one column per question.
_PEOPLE = {
    "applicant": Principal("a", Role.APPLICANT, subject="91320100MA1XXXXXX1"),
    "window": Principal("window:1", Role.WINDOW),
    "caseworker": Principal("c", Role.CASEWORKER, authority="320100-transport"),
    "other_caseworker": Principal("c2", Role.CASEWORKER, authority="320200-transport"),
    "integrator": Principal("i", Role.INTEGRATOR, authority="320100-transport"),
    "supervisor": Principal("s", Role.SUPERVISOR, region="320100"),
    "auditor": Principal("u", Role.AUDITOR),
    "admin": Principal("x", Role.ADMIN),
}
_TABLE = {  # question: who may
    "applicant side (supplement, withdraw, rate)": ({"applicant", "window"},
                                                   lambda p: can_withdraw(p) and can_rate(p)
                                                   and can_answer_supplement(p)),
    "counter filing": ({"window"}, can_file_at_counter),
    "decide for 320100-transport": ({"caseworker"}, lambda p: can_decide(p, "320100-transport")),
    "resync": ({"admin"}, can_resync),
    "read a case's history": ({"supervisor", "auditor", "admin"}, can_read_history),
    "oversee": ({"supervisor", "auditor", "admin"}, can_oversee),
    "the province's overview": ({"auditor", "admin"}, sees_province),
    "a record's SMS": ({"caseworker", "integrator", "admin"},
                       lambda p: can_read_record_messages(p, "320100-transport")),
}


@pytest.mark.parametrize("question", list(_TABLE))
def test_the_access_table(question):
    allowed, predicate = _TABLE[question]
    assert {name for name, p in _PEOPLE.items() if predicate(p)} == allowed


def test_the_queue_of_each_role():
    assert queue_scope(_PEOPLE["caseworker"]) == QueueScope(handler="320100-transport")
    assert queue_scope(_PEOPLE["supervisor"]) == QueueScope(region="320100")
    assert queue_scope(_PEOPLE["auditor"]) == queue_scope(_PEOPLE["admin"]) == QueueScope()
    assert all(queue_scope(_PEOPLE[n]) is None for n in ("applicant", "window", "integrator"))


def test_the_workflow_validator_and_the_route_ask_the_same_question():
    caseworker = actor("c", Role.CASEWORKER, authority="320100-transport")
    assert refusal_to_act(caseworker, Action.APPROVE, "320100-transport") is None
    assert "经办人" in (refusal_to_act(caseworker, Action.APPROVE, "320200-transport") or "")
    assert "申请人" in (refusal_to_act(caseworker, Action.WITHDRAW, "320100-transport") or "")
    assert refusal_to_act(actor("window:1", Role.WINDOW), Action.SUPPLEMENT, "320100-transport") is None
