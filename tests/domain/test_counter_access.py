"""A counter clerk acts for an application they filed, or one they looked up with its query code and the
phone's last digits in this session (domain.access.counter_may_act_for), and no other."""

from __future__ import annotations

from domain.access import Principal, can_see_case, counter_may_act_for
from domain.model import Role

CASE = dict(subject_key="91320100MA1XXXXXX1", filed_by="applicant:91320100MA1XXXXXX1", handler="320100-court",
            handler_region="320100")
CLERK = Principal(sub="window:nj-21", role=Role.WINDOW, name="李静")


def test_a_clerk_sees_an_online_application_only_when_vouched_for():
    assert not can_see_case(CLERK, **CASE)
    assert can_see_case(CLERK, **CASE, vouched=True)
    assert can_see_case(CLERK, **(CASE | {"filed_by": "window:nj-21"}))


def test_being_vouched_for_opens_nothing_to_any_other_role():
    for p in (Principal(sub="a", role=Role.APPLICANT, subject="913201000000000000"),
              Principal(sub="c", role=Role.CASEWORKER, authority="320100-tax"),
              Principal(sub="i", role=Role.INTEGRATOR, authority="320100-court")):
        assert not can_see_case(p, **CASE, vouched=True)
        assert not counter_may_act_for(p, filed_by=CASE["filed_by"], vouched=True)


def test_the_name_decides_nothing():
    other = Principal(sub="window:nj-22", role=Role.WINDOW, name="李静")
    assert not can_see_case(other, **(CASE | {"filed_by": "window:nj-21"}))
