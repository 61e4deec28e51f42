from __future__ import annotations

from domain.access import Principal, can_decide, can_register_record, can_see_case, can_see_record
from domain.authorities import region_contains
from domain.model import Role

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
