"""Working-day deadlines over China's official and provisional holiday calendars."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.workdays import (
    LIBRARY_YEARS,
    Deadline,
    WorkCalendar,
    YearCalendar,
    statutory_holidays,
)

CAL = WorkCalendar()
FIRST_UNKNOWN = max(LIBRARY_YEARS) + 1
needs_2027_unpublished = pytest.mark.skipif(
    2027 in LIBRARY_YEARS, reason="chinese_calendar now has 2027: move these examples to a later year"
)


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(k) for k in range((end - start).days + 1)]


def calendar_2027() -> YearCalendar:
    """A stand-in 'official' 2027 notice: Spring Festival Feb 6–12, make-up Sat Feb 20."""
    holidays = {date(2027, 1, 1), *days(date(2027, 2, 6), date(2027, 2, 12))}
    return YearCalendar(2027, frozenset(holidays), frozenset({date(2027, 2, 20)}))


# --- coverage of the library ---


def test_library_years_match_the_library() -> None:
    assert min(LIBRARY_YEARS) == 2004
    assert 2026 in LIBRARY_YEARS
    assert set(range(2004, FIRST_UNKNOWN)) == LIBRARY_YEARS
    chinese_calendar.is_workday(date(FIRST_UNKNOWN - 1, 12, 31))
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(FIRST_UNKNOWN, 1, 4))


def test_official_years() -> None:
    assert CAL.official_years() == LIBRARY_YEARS
    assert CAL.is_official(2025) and not CAL.is_official(FIRST_UNKNOWN)
    configured = WorkCalendar({2027: calendar_2027()})
    assert 2027 in configured.official_years() and configured.is_official(2027)


def test_agrees_with_library_for_every_day_of_2024_to_2026() -> None:
    for d in days(date(2024, 1, 1), date(2026, 12, 31)):
        assert CAL.is_workday(d) == chinese_calendar.is_workday(d), d
        assert not CAL.is_provisional(d)


# --- National Day 2025: Oct 1–8 off, Sun Sep 28 and Sat Oct 11 worked ---


def test_national_day_2025() -> None:
    assert all(not CAL.is_workday(d) for d in days(date(2025, 10, 1), date(2025, 10, 8)))
    assert CAL.is_workday(date(2025, 9, 28)) and CAL.is_workday(date(2025, 10, 11))
    assert CAL.add_workdays(date(2025, 9, 30), 3) == Deadline(date(2025, 10, 11), False)
    assert CAL.add_workdays(date(2025, 9, 30), 4) == Deadline(date(2025, 10, 13), False)
    assert CAL.add_workdays(date(2025, 9, 26), 1).due == date(2025, 9, 28)  # make-up Sunday
    assert CAL.add_workdays(date(2025, 9, 26), 3).due == date(2025, 9, 30)
    assert CAL.workdays_between(date(2025, 9, 30), date(2025, 10, 10)) == 2


# --- Spring Festival 2026: Feb 15–23 off, Sat Feb 14 and Sat Feb 28 worked ---


def test_spring_festival_2026() -> None:
    assert all(not CAL.is_workday(d) for d in days(date(2026, 2, 15), date(2026, 2, 23)))
    assert CAL.is_workday(date(2026, 2, 14)) and CAL.is_workday(date(2026, 2, 28))
    assert CAL.add_workdays(date(2026, 2, 13), 1) == Deadline(date(2026, 2, 14), False)
    assert CAL.add_workdays(date(2026, 2, 13), 2) == Deadline(date(2026, 2, 24), False)
    # Fri 13 (1), Sat 14 (2), Tue 24 .. Fri 27 (3..6), Sat 28 (7), Mon Mar 2 (8).
    assert CAL.add_workdays(date(2026, 2, 12), 6).due == date(2026, 2, 27)
    assert CAL.add_workdays(date(2026, 2, 12), 7).due == date(2026, 2, 28)  # make-up Saturday
    assert CAL.add_workdays(date(2026, 2, 12), 8).due == date(2026, 3, 2)


def test_zero_and_negative() -> None:
    assert CAL.add_workdays(date(2026, 2, 15), 0) == Deadline(date(2026, 2, 15), False)
    assert CAL.add_workdays(date(FIRST_UNKNOWN, 1, 1), 0).provisional is False
    with pytest.raises(ValueError):
        CAL.add_workdays(date(2026, 2, 13), -1)
    assert CAL.workdays_between(date(2026, 3, 5), date(2026, 3, 2)) == 0


# --- configured years ---


def test_configured_year_beats_library() -> None:
    # An operator correction: 2025-10-09 declared a holiday, 2025-10-11 no longer worked.
    holidays = {d for d in chinese_calendar.holidays if d.year == 2025} | {date(2025, 10, 9)}
    makeup = {d for d in chinese_calendar.workdays if d.year == 2025} - {date(2025, 10, 11)}
    corrected = YearCalendar(2025, frozenset(holidays), frozenset(makeup))
    cal = WorkCalendar({2025: corrected})
    assert not cal.is_workday(date(2025, 10, 9)) and not cal.is_workday(date(2025, 10, 11))
    assert cal.add_workdays(date(2025, 9, 30), 3) == Deadline(date(2025, 10, 14), False)
    assert CAL.add_workdays(date(2025, 9, 30), 3).due == date(2025, 10, 11)  # no leak back


def test_year_calendar_validation() -> None:
    with pytest.raises(ValueError):
        YearCalendar(2027, frozenset({date(2026, 12, 31)}), frozenset())
    with pytest.raises(ValueError):
        YearCalendar(2027, frozenset({date(2027, 2, 20)}), frozenset({date(2027, 2, 20)}))
    with pytest.raises(ValueError):
        WorkCalendar({2028: calendar_2027()})


def test_instances_do_not_share_configuration() -> None:
    mapping = {2027: calendar_2027()}
    configured = WorkCalendar(mapping)
    mapping.clear()  # later changes to the caller's mapping are not seen
    assert configured.is_official(2027)
    assert not WorkCalendar().is_official(2027) or 2027 in LIBRARY_YEARS
    start = date(2027, 2, 4)
    assert configured.add_workdays(start, 1) == Deadline(date(2027, 2, 5), False)
    assert WorkCalendar({2027: calendar_2027()}).add_workdays(start, 2).due == date(2027, 2, 15)


# --- provisional years ---


def test_statutory_holidays_2027() -> None:
    h = statutory_holidays(2027)
    assert h[date(2027, 1, 1)] == "元旦"
    assert [d for d, name in h.items() if name == "春节"] == days(date(2027, 2, 5), date(2027, 2, 8))
    # 第六条: 初一 and 初二 fall on Sat/Sun, so Tue Feb 9 and Wed Feb 10 are owed (补假).
    assert h[date(2027, 2, 9)] == h[date(2027, 2, 10)] == "春节补假"
    assert h[date(2027, 4, 5)] == "清明节"
    assert h[date(2027, 6, 9)] == "端午节" and h[date(2027, 9, 15)] == "中秋节"
    assert [d for d, name in h.items() if name == "劳动节补假"] == [date(2027, 5, 3), date(2027, 5, 4)]
    assert [d for d, name in h.items() if name == "国庆节"] == days(date(2027, 10, 1), date(2027, 10, 3))
    h[date(2027, 3, 1)] = "mutated"
    assert date(2027, 3, 1) not in statutory_holidays(2027)


def test_statutory_rule_is_within_published_calendars() -> None:
    # Each published notice since the 2025 law gives at least the law's days, 补假 included.
    for year in (2025, 2026):
        for d, name in statutory_holidays(year).items():
            assert not chinese_calendar.is_workday(d), (d, name)
        assert len([n for n in statutory_holidays(year).values() if "补假" not in n]) == 13


def test_mid_autumn_on_national_day_keeps_both_names() -> None:
    assert statutory_holidays(2020)[date(2020, 10, 1)] == "中秋节、国庆节"


@needs_2027_unpublished
def test_new_year_2027_is_provisional() -> None:
    assert CAL.add_workdays(date(2026, 12, 29), 2) == Deadline(date(2026, 12, 31), False)
    # Wed Dec 30, Thu Dec 31, (Fri Jan 1 元旦, weekend), Mon Jan 4.
    assert CAL.add_workdays(date(2026, 12, 29), 3) == Deadline(date(2027, 1, 4), True)
    assert CAL.is_provisional(date(2027, 1, 4)) and not CAL.is_provisional(date(2026, 12, 31))
    assert CAL.workdays_between(date(2026, 12, 29), date(2027, 1, 4)) == 3


@needs_2027_unpublished
def test_spring_festival_2027_provisional_then_configured() -> None:
    assert all(not CAL.is_workday(d) for d in days(date(2027, 2, 5), date(2027, 2, 10)))
    assert CAL.add_workdays(date(2027, 2, 3), 1) == Deadline(date(2027, 2, 4), True)
    assert CAL.add_workdays(date(2027, 2, 4), 1) == Deadline(date(2027, 2, 11), True)
    assert CAL.add_workdays(date(2027, 2, 4), 3) == Deadline(date(2027, 2, 15), True)
    configured = WorkCalendar({2027: calendar_2027()})
    assert configured.is_workday(date(2027, 2, 5)) and configured.is_workday(date(2027, 2, 20))
    assert configured.add_workdays(date(2027, 2, 4), 1) == Deadline(date(2027, 2, 5), False)
    assert configured.add_workdays(date(2027, 2, 4), 2) == Deadline(date(2027, 2, 15), False)
    assert configured.add_workdays(date(2026, 12, 29), 3) == Deadline(date(2027, 1, 4), False)


def test_first_unknown_year_is_provisional() -> None:
    for d in statutory_holidays(FIRST_UNKNOWN):
        assert not CAL.is_workday(d) and CAL.is_provisional(d)
    last_official = date(FIRST_UNKNOWN - 1, 12, 31)
    assert CAL.add_workdays(last_official - timedelta(days=10), 30).provisional
    assert CAL.add_workdays(date(FIRST_UNKNOWN + 1, 3, 1), 5).provisional


# --- properties ---

starts = st.dates(min_value=date(2018, 1, 1), max_value=date(2029, 12, 31))


@settings(max_examples=200, deadline=None)
@given(starts, st.integers(1, 250))
def test_due_is_a_later_workday(start: date, n: int) -> None:
    deadline = CAL.add_workdays(start, n)
    assert deadline.due > start
    assert CAL.is_workday(deadline.due)
    assert deadline.provisional == any(
        CAL.is_provisional(d) for d in days(start + timedelta(1), deadline.due)
    )


@settings(max_examples=150, deadline=None)
@given(starts, st.integers(0, 150), st.integers(0, 150))
def test_add_workdays_composes(start: date, a: int, b: int) -> None:
    first = CAL.add_workdays(start, a)
    assert CAL.add_workdays(start, a + b).due == CAL.add_workdays(first.due, b).due


@settings(max_examples=200, deadline=None)
@given(starts, st.integers(0, 250))
def test_workdays_between_inverts_add_workdays(start: date, n: int) -> None:
    due = CAL.add_workdays(start, n).due
    assert CAL.workdays_between(start, due) == n
    assert CAL.workdays_between(start, due - timedelta(1)) == max(n - 1, 0)


def test_a_few_hundred_days_is_fast() -> None:
    import time

    began = time.perf_counter()
    for k in range(300):
        CAL.add_workdays(date(2025, 1, 1) + timedelta(k), 300)
    assert time.perf_counter() - began < 5  # ~0.1 s in practice; generous for a loaded CI box
