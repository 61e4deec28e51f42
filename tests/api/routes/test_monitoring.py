"""The daily figures: the province for auditors and the admin, a supervisor's region and below only."""

from __future__ import annotations

from activities.monitoring import keep_figures
from api import clock
from contracts.sweep import FiguresInput
from tests import factories
from tests.api.conftest import ADMIN, token

DAY = clock.today()  # the figures are recomputed from the whole store at once: what others keep is counted too


def test_a_city_supervisor_sees_their_city_only_and_the_province_sees_all(client):
    made = {}
    for issuer in ("320400-market_regulation", "320400-market_regulation", "320500-market_regulation"):
        r = client.post("/api/v1/records", json=factories.record_body(issuer=issuer, decided_on=str(DAY)),
                        headers=ADMIN)
        assert r.status_code == 201, r.text
        made.setdefault(issuer, []).append(r.json()["id"])
    unfulfilled = [made["320400-market_regulation"][0], made["320500-market_regulation"][0]]
    keep_figures(FiguresInput(day=DAY, reported=unfulfilled))

    province = client.get(f"/api/v1/monitoring/daily?date={DAY}", headers=ADMIN).json()
    assert province["stock"]["by_city"]["320400"] >= 2 and province["stock"]["by_city"]["320500"] >= 1

    changzhou = client.get(f"/api/v1/monitoring/daily?date={DAY}", headers=token("supervisor", region="320400"))
    assert changzhou.status_code == 200, changzhou.text
    mine = changzhou.json()
    assert mine["region"] == "320400"
    assert set(mine["stock"]["by_city"]) == {"320400"}
    assert all(code.startswith("3204") for code in mine["stock"]["by_authority"])
    assert mine["stock"]["total"] == province["stock"]["by_city"]["320400"] < province["stock"]["total"]
    assert sum(mine["stock"]["by_kind"].values()) == mine["stock"]["total"]
    assert mine["increment"] <= province["increment"]
    assert mine["sweep"]["max_reached_unfulfilled_ids"] == [made["320400-market_regulation"][0]]
    assert "reminded" not in mine["sweep"]  # the sweep's own counts are the province's: not shown to a city

    county = client.get(f"/api/v1/monitoring/daily?date={DAY}", headers=token("supervisor", region="320411"))
    assert county.json()["stock"]["total"] == 0  # no authority of that district decided any of them
