from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from domain.eligibility import eligibility
from domain.model import RecordState

BASE = dict(
    today=date(2026, 11, 26),
    state=RecordState.PUBLISHED,
    eligible_from=date(2026, 6, 11),
    max_publicity_end=date(2027, 3, 10),
    repairable=True,
    has_open_case=False,
    obligations_fulfilled=True,
)


def codes(**over):
    return [r.code for r in eligibility(**{**BASE, **over}).reasons]


def test_eligible_after_minimum_period():
    e = eligibility(**BASE)
    assert e.eligible and e.reasons == () and e.eligible_from == date(2026, 6, 11)


def test_minimum_period_not_over_says_when():
    e = eligibility(**{**BASE, "today": date(2026, 6, 10)})
    assert not e.eligible
    assert e.reasons[0].code == "MIN_PERIOD_NOT_OVER"
    assert "2026年6月11日起可申请修复" in e.reasons[0].message


def test_reasons_in_chinese_for_each_obstacle():
    assert codes(state=RecordState.REPAIRED) == ["ALREADY_REPAIRED"]
    assert codes(has_open_case=True) == ["APPLICATION_OPEN"]
    assert codes(obligations_fulfilled=False) == ["OBLIGATIONS_UNFULFILLED"]
    assert codes(repairable=False) == ["NOT_REPAIRABLE"]
    assert codes(today=date(2027, 3, 11)) == ["PUBLICATION_ENDED"]
    assert codes(state=RecordState.UNPUBLISHED) == ["PUBLICATION_ENDED"]


def test_all_obstacles_are_listed_at_once():
    got = codes(today=date(2026, 6, 1), has_open_case=True, obligations_fulfilled=False)
    assert got == ["APPLICATION_OPEN", "MIN_PERIOD_NOT_OVER", "OBLIGATIONS_UNFULFILLED"]


def test_unknown_obligations_do_not_block():
    assert eligibility(**{**BASE, "obligations_fulfilled": None}).eligible


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.booleans(), st.booleans(),
       st.sampled_from(list(RecordState)))
def test_eligible_exactly_when_no_reason(today, open_case, repairable, state):
    e = eligibility(**{**BASE, "today": today, "has_open_case": open_case, "repairable": repairable,
                       "state": state})
    assert e.eligible == (not e.reasons)
    if e.eligible:
        assert BASE["eligible_from"] <= today <= BASE["max_publicity_end"]
    assert all(r.message and not r.message.isascii() for r in e.reasons)


def test_a_record_without_a_minimum_period_is_eligible_from_its_decision():
    from domain.eligibility import eligible_from_the_start

    assert eligible_from_the_start(date(2026, 3, 10), date(2026, 3, 10))
    assert not eligible_from_the_start(date(2026, 3, 10), date(2026, 6, 10))


def test_only_known_unfulfilled_obligations_keep_a_record_past_its_maximum():
    from domain.eligibility import ends_at_maximum

    assert ends_at_maximum(True) and ends_at_maximum(None)
    assert not ends_at_maximum(False)
