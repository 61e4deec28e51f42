"""The API's notion of today: dates in the rules are Beijing dates, whatever the server's timezone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return datetime.now(SHANGHAI).date()


def now() -> datetime:
    return datetime.now(SHANGHAI)
