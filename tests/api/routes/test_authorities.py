from __future__ import annotations

from datetime import date

import chinese_calendar

from api import clock
from config.rules import rules_for
from config.settings import get_settings


def test_province_and_thirteen_cities_with_their_departments(client):
    r = client.get("/api/v1/authorities")
    assert r.status_code == 200
    authorities = r.json()
    regions = {a["region"] for a in authorities}
    assert regions == {"320000", *(f"32{n:02d}00" for n in range(1, 14))}
    sectors = {a["sector"] for a in authorities}
    assert {"development_reform", "market_regulation", "natural_resources", "court", "tax", "transport",
            "emergency_management", "data"} <= sectors
    nanjing_mr = next(a for a in authorities if a["code"] == "320100-market_regulation")
    assert nanjing_mr == {"code": "320100-market_regulation", "name": "南京市市场监督管理局",
                          "sector": "market_regulation", "region": "320100", "level": "city"}


def _first_year_without_calendar() -> int:
    """The first year after chinesecalendar's last that it refuses (it raises for years it does not know) and
    config/holidays.yaml does not configure either: a hard-coded year breaks once the library ships it."""
    year = max(chinese_calendar.holidays).year + 1
    calendar = rules_for(get_settings().config_dir).calendar
    while True:
        try:
            chinese_calendar.is_workday(date(year, 1, 4))
        except NotImplementedError:
            if not calendar.is_official(year):
                return year
        year += 1


def test_health_reports_missing_holiday_calendar_loudly(client, monkeypatch):
    year = _first_year_without_calendar()
    # /healthz looks at this year and the next: pin today to the year before, which has a calendar
    monkeypatch.setattr(clock, "today", lambda: date(year - 1, 12, 1))
    r = client.get("/healthz")
    body = r.json()
    assert body["checks"]["database"] == "ok"
    # not in chinesecalendar and not configured: provisional deadlines, said out loud
    assert year in body["checks"]["calendar"]["provisional_years"]
    assert f"{year}年的法定节假日安排尚未配置" in body["checks"]["calendar"]["warnings"][-1]
