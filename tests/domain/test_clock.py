"""Beijing time (domain/clock.py): UTC+8 all year; a naive datetime is UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from domain.clock import BEIJING, as_utc, beijing_date, beijing_time, chinese_date, end_of_day, start_of_day


def test_a_naive_time_is_utc():
    naive = datetime(2026, 1, 1, 17, 0)
    assert as_utc(naive) == datetime(2026, 1, 1, 17, 0, tzinfo=UTC)
    assert beijing_time(naive) == datetime(2026, 1, 2, 1, 0, tzinfo=BEIJING)
    assert beijing_date(naive) == date(2026, 1, 2)
    assert beijing_date(datetime(2026, 1, 1, 15, 59)) == date(2026, 1, 1)


def test_an_aware_time_keeps_its_instant():
    new_york = timezone(timedelta(hours=-5))
    assert beijing_date(datetime(2026, 1, 1, 12, 0, tzinfo=new_york)) == date(2026, 1, 2)  # 17:00 UTC
    assert beijing_date(datetime(2026, 1, 2, 0, 30, tzinfo=BEIJING)) == date(2026, 1, 2)


def test_a_day_runs_from_beijing_midnight_to_beijing_midnight():
    assert start_of_day(date(2026, 1, 2)) == datetime(2026, 1, 1, 16, 0, tzinfo=UTC)
    assert end_of_day(date(2026, 1, 2)) == datetime(2026, 1, 2, 16, 0, tzinfo=UTC)
    assert beijing_date(end_of_day(date(2026, 1, 2)) - timedelta(microseconds=1)) == date(2026, 1, 2)


def test_dates_are_written_as_official_documents_write_them():
    assert chinese_date(date(2026, 1, 2)) == "2026年1月2日"
    assert chinese_date(date(2026, 12, 31)) == "2026年12月31日"
