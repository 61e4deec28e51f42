"""Working-day arithmetic for statutory time limits (办理时限 counted in 工作日).

Authorities' time limits are counted in working days of China's official calendar: weekends and the
public holidays of 《全国年节及纪念日放假办法》 are days off, and each year the State Council's
General Office publishes (around November, for the next year) which days are actually off and which
weekend days become working days (调休). Time limits exclude the starting day (民法典 第二百零一条).

The `chinese_calendar` library packages those notices, but only after they are published and only
for the years it knows. A year nobody has published data for yet is computed with a provisional
rule derived from the law itself, and every result that depends on such a year says so, so that the
deadline can be recomputed once an operator configures the official calendar.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from chinese_calendar import constants as _cc
from chinese_calendar import get_solar_terms
from lunardate import LunarDate

_ONE_DAY = timedelta(days=1)

# The years chinesecalendar covers: every year from the first to the last of its holiday table (its rule,
# chinese_calendar.utils._validate_date; it refuses dates outside them). Other years are never asked of it:
# they come from config/holidays.yaml, or from the provisional rule below.
LIBRARY_YEARS: frozenset[int] = frozenset(range(min(_cc.holidays).year, max(_cc.holidays).year + 1))

# lunardate covers lunar years 1900–2099 and get_solar_terms 1900–2100.
_PROVISIONAL_RANGE = range(1900, 2100)


@dataclass(frozen=True)
class YearCalendar:
    """The official calendar of one year, as an operator configures it from the State Council notice.

    `holidays` are days off even though they may be weekdays (weekend days may be listed or not);
    `makeup_workdays` are weekend days that are working days (调休上班). Every date must lie in `year`:
    a holiday block that straddles New Year is split between the two years' calendars, which keeps
    the lookup for a date unambiguous.
    """

    year: int
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]

    def __post_init__(self) -> None:
        stray = sorted(d for d in self.holidays | self.makeup_workdays if d.year != self.year)
        if stray:
            raise ValueError(f"YearCalendar {self.year} holds dates of other years: {stray}")
        both = sorted(self.holidays & self.makeup_workdays)
        if both:
            raise ValueError(f"YearCalendar {self.year}: dates both holiday and make-up workday: {both}")

    def is_workday(self, d: date) -> bool:
        """A make-up day is worked; otherwise a weekday that is not a holiday is worked."""
        return d in self.makeup_workdays or (d.weekday() < 5 and d not in self.holidays)


@dataclass(frozen=True)
class Deadline:
    """A computed due date; `provisional` when it relied on a year without official data."""

    due: date
    provisional: bool


def _festival_days(year: int) -> list[tuple[str, list[date]]]:
    """全国年节及纪念日放假办法 (国务院令第795号, in force 2025-01-01) 第二条: the 13 days off."""
    new_year = LunarDate(year, 1, 1).to_solar_date()
    qingming = [d for d, name in get_solar_terms(date(year, 4, 1), date(year, 4, 30)) if name == "清明"]
    return [
        ("元旦", [date(year, 1, 1)]),
        # 农历除夕 (the day before 正月初一) to 正月初三.
        ("春节", [new_year + timedelta(days=k) for k in range(-1, 3)]),
        ("清明节", qingming),
        ("劳动节", [date(year, 5, 1), date(year, 5, 2)]),
        ("端午节", [LunarDate(year, 5, 5).to_solar_date()]),
        ("中秋节", [LunarDate(year, 8, 15).to_solar_date()]),
        ("国庆节", [date(year, 10, 1), date(year, 10, 2), date(year, 10, 3)]),
    ]


@lru_cache(maxsize=256)
def _statutory_items(year: int) -> tuple[tuple[date, str], ...]:
    if year not in _PROVISIONAL_RANGE:
        raise ValueError(f"no lunar calendar data for {year}; configure it as a YearCalendar")
    result: dict[date, str] = {}
    festivals = _festival_days(year)
    for name, days in festivals:
        for d in days:
            # 中秋 may fall within 国庆 (e.g. 2020-10-01): one day, both names.
            result[d] = f"{result[d]}、{name}" if d in result else name
    # 第六条: a holiday that falls on a Saturday or Sunday is compensated on a working day (补假).
    # Published notices in practice give it on the first working days after the festival; so do we.
    counted: set[date] = set()
    for name, days in festivals:
        owed = sum(1 for d in days if d.weekday() >= 5 and d not in counted)
        counted.update(days)
        d = max(days)
        while owed:
            d += _ONE_DAY
            if d.year != year:
                break  # 元旦 is 1 January, so only a late-December festival could spill; none does
            if d.weekday() < 5 and d not in result:
                result[d] = f"{name}补假"
                owed -= 1
    return tuple(sorted(result.items()))


def statutory_holidays(year: int) -> dict[date, str]:
    """Days off in `year` under the law alone, as date → Chinese name, for years with no notice.

    《全国年节及纪念日放假办法》 (revised 2024-11-10, in force 2025-01-01) 第二条: 元旦 1 January;
    春节 除夕 to 正月初三; 清明节 on the 清明 solar term; 劳动节 1–2 May; 端午节 lunar 5/5; 中秋节 lunar
    8/15; 国庆节 1–3 October. 第六条 makes a holiday that falls on a weekend owed on a working day
    (named e.g. "春节补假"). The discretionary parts of a real notice — 调休 make-up working days and
    bridging days (第七条) — cannot be predicted and are left out. Years before 2025 had a different
    law but are covered by the library; this rule is only a stand-in for them.
    """
    return dict(_statutory_items(year))


@lru_cache(maxsize=64)
def _library_calendar(year: int) -> YearCalendar:
    return YearCalendar(
        year=year,
        holidays=frozenset(d for d in _cc.holidays if d.year == year),
        makeup_workdays=frozenset(d for d in _cc.workdays if d.year == year),
    )


@lru_cache(maxsize=64)
def _provisional_calendar(year: int) -> YearCalendar:
    holidays = frozenset(d for d, _ in _statutory_items(year))
    return YearCalendar(year=year, holidays=holidays, makeup_workdays=frozenset())


class WorkCalendar:
    """China's working-day calendar: configured years, then the library, then the provisional rule.

    A configured year wins over the library because the operator can enter a newly published notice
    (or a correction) before a library release carries it.
    """

    def __init__(self, configured: Mapping[int, YearCalendar] | None = None) -> None:
        self._configured: dict[int, YearCalendar] = dict(configured or {})
        for year, cal in self._configured.items():
            if cal.year != year:
                raise ValueError(f"configured[{year}] holds the calendar of {cal.year}")

    def official_years(self) -> frozenset[int]:
        """Years whose calendar comes from a published notice (configured or packaged)."""
        return frozenset(self._configured) | LIBRARY_YEARS

    def is_official(self, year: int) -> bool:
        return year in self._configured or year in LIBRARY_YEARS

    def _calendar(self, year: int) -> YearCalendar:
        configured = self._configured.get(year)
        if configured is not None:
            return configured
        if year in LIBRARY_YEARS:
            return _library_calendar(year)
        return _provisional_calendar(year)

    def is_workday(self, d: date) -> bool:
        return self._calendar(d.year).is_workday(d)

    def is_provisional(self, d: date) -> bool:
        """Whether `d` is judged by the provisional rule rather than an official calendar."""
        return not self.is_official(d.year)

    def add_workdays(self, start: date, n: int) -> Deadline:
        """The n-th working day after `start`; `start` itself is never counted (民法典 第二百零一条).

        n == 0 returns `start` unchanged and, having consulted no calendar, not provisional.
        Otherwise the deadline is provisional when any day counted or skipped, i.e. any day in
        (start, due], lies in a year without official data.
        """
        if n < 0:
            raise ValueError(f"number of working days must be >= 0, got {n}")
        d, remaining = start, n
        year, cal = 0, None
        while remaining:
            d += _ONE_DAY
            if cal is None or d.year != year:
                year, cal = d.year, self._calendar(d.year)
            if cal.is_workday(d):
                remaining -= 1
        provisional = n > 0 and any(
            not self.is_official(y) for y in range((start + _ONE_DAY).year, d.year + 1)
        )
        return Deadline(due=d, provisional=provisional)

    def workdays_between(self, start: date, end: date) -> int:
        """Number of working days d with start < d <= end (0 when end <= start).

        Measures how much of a time limit has elapsed, e.g. up to the day a clock was paused
        for 补正 (supplementing materials), so that the remainder can be added after it resumes.
        """
        count = 0
        d = start + _ONE_DAY
        year, cal = 0, None
        while d <= end:
            if cal is None or d.year != year:
                year, cal = d.year, self._calendar(d.year)
            if cal.is_workday(d):
                count += 1
            d += _ONE_DAY
        return count
