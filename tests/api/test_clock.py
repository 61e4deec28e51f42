"""The API's clock keeps instants in UTC (what the store writes, and SQLite drops the zone of) and counts
today as the Beijing date."""

from __future__ import annotations

from datetime import UTC, timedelta

from api import clock
from domain.clock import beijing_date


def test_now_is_utc_and_today_is_the_beijing_date_of_it():
    now, today = clock.now(), clock.today()
    assert now.utcoffset() == timedelta(0) and now.tzinfo is UTC
    assert today in {beijing_date(now), beijing_date(clock.now())}  # a midnight may pass in between
