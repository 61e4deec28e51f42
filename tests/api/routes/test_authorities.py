from __future__ import annotations


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


def test_health_reports_missing_holiday_calendar_loudly(client):
    r = client.get("/healthz")
    body = r.json()
    assert body["checks"]["database"] == "ok"
    # 2027 is not in chinesecalendar 1.11 and not configured: provisional deadlines, said out loud
    assert 2027 in body["checks"]["calendar"]["provisional_years"]
    assert "2027年的法定节假日安排尚未配置" in body["checks"]["calendar"]["warnings"][-1]
