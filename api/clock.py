"""The API's clock: the system time is read here, and turned into Beijing dates by domain/clock.py.

`now` is UTC, as every instant the store keeps (a naive datetime is UTC: SQLite drops the zone of what it is
given, so a Beijing-aware time would come back eight hours off). `today` is the Beijing date, whatever the
server's timezone: the dates in the rules are Beijing dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.clock import beijing_date


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return beijing_date(now())
