"""The pages' date filters show Beijing time, and read a naive datetime as UTC like every other layer
(domain/clock.py): SQLite hands stored instants back without their zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from api.web.render import environment
from domain.clock import beijing_date


def show(template: str, **values: object) -> str:
    return environment().from_string(template).render(**values)


def test_a_naive_utc_evening_is_the_next_morning_in_beijing_on_a_page_and_in_the_rules():
    at = datetime(2026, 1, 1, 17, 0)  # naive: UTC, as the store gives it back
    assert show("{{ at|moment }}", at=at) == "2026年1月2日 01:00"
    assert show("{{ at|day }}", at=at) == "2026年1月2日"
    assert beijing_date(at) == date(2026, 1, 2)


def test_the_same_instant_shows_the_same_whatever_zone_it_carries():
    utc = datetime(2026, 1, 1, 17, 0, tzinfo=UTC)
    beijing = utc.astimezone(timezone(timedelta(hours=8)))
    elsewhere = utc.astimezone(timezone(timedelta(hours=-5)))
    assert {show("{{ at|moment }}", at=at) for at in (utc, beijing, elsewhere)} == {"2026年1月2日 01:00"}


def test_a_date_is_shown_as_it_is_and_nothing_as_nothing():
    assert show("{{ d|day }}", d=date(2026, 10, 1)) == "2026年10月1日"
    assert show("{{ d|day }}{{ d|moment }}", d=None) == ""
