"""Beijing time without a tz database: China keeps UTC+8 all year, and workflows must stay deterministic
(no file reads for zoneinfo inside the sandbox)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


def beijing_date(moment: datetime) -> date:
    """A naive time is UTC: the store keeps UTC, and SQLite hands it back without its zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(BEIJING).date()


def end_of_day(day: date) -> datetime:
    """A deadline "within N working days" runs to the end of its last day, Beijing time."""
    return datetime.combine(day + timedelta(days=1), time(0), BEIJING)
