"""Beijing time, defined here once: the zone and the conversions every layer uses (pure functions; the
system clock is read by api/clock.py, and by workflows as `workflow.now()`).

China keeps UTC+8 all year, so a fixed offset needs no tz database: workflows must stay deterministic (no
file reads for zoneinfo inside the sandbox). The one rule for naive datetimes, everywhere: a naive time is
UTC. The store keeps UTC, and SQLite hands it back without its zone (it also drops the zone of an aware
time it is given, which is why every instant written is a UTC one: api/clock.py `now`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


def as_utc(moment: datetime) -> datetime:
    """The same instant, aware; a naive time is taken as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def beijing_time(moment: datetime) -> datetime:
    """The instant as a Beijing wall-clock time (aware, UTC+8)."""
    return as_utc(moment).astimezone(BEIJING)


def beijing_date(moment: datetime) -> date:
    """The Beijing calendar day of an instant: the day every rule counts (time limits, publicity periods)."""
    return beijing_time(moment).date()


def start_of_day(day: date) -> datetime:
    """Midnight at the start of a Beijing calendar day."""
    return datetime.combine(day, time(0), BEIJING)


def end_of_day(day: date) -> datetime:
    """A deadline "within N working days" runs to the end of its last day, Beijing time."""
    return start_of_day(day + timedelta(days=1))


def chinese_date(day: date) -> str:
    """A date as official documents write it (GB/T 9704-2012 7.3.5.5: Arabic numerals, the year in full,
    month and day without a leading zero): 2026年1月2日."""
    return f"{day.year}年{day.month}月{day.day}日"
