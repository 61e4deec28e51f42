"""Correcting a registered record through the API, with the workflows on the time-skipping server: the fine's
amount and the subject's name corrected make version 2 (the old values kept), every site is sent the new
content once; the same values again, a field that decides the period, a bad amount and another issuer are
refused with their codes, nothing started."""

from __future__ import annotations

import asyncio

import httpx

from config.settings import get_settings
from tests import factories
from tests.api.conftest import token
from tests.api.routes.test_cases import ISSUER, registered

INTEGRATOR = token("integrator", authority=ISSUER)


async def _versions(api, record_id: str, count: int) -> list[dict]:
    """The record's corrections once there are `count` of them, the last one on every site."""
    for _ in range(300):
        found = (await api.get(f"/api/v1/records/{record_id}/versions", headers=INTEGRATOR)).json()
        if len(found) == count and len(found[-1]["acknowledged"]) == 16:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"not corrected everywhere: {found}")


async def test_a_wrong_amount_and_name_are_corrected_on_every_site(api):
    uscc = factories.uscc()
    record = await registered(api, uscc)
    path = f"/api/v1/records/{record['id']}/corrections"
    body = {"changes": {"fine_amount": "3000", "subject_name": "江苏某某工程股份有限公司"},
            "reason": "决定书金额录入有误"}

    other = await api.post(path, json=body, headers=token("integrator", authority="320100-transport"))
    assert other.status_code == 404
    for changes, code in (({"decided_on": "2026-01-01"}, "NOT_CORRECTABLE"),
                          ({"fine_amount": "-5"}, "INVALID_FINE_AMOUNT"),
                          ({"fine_amount": "5000.00"}, "NOTHING_TO_CORRECT")):
        refused = await api.post(path, json={"changes": changes, "reason": "x"}, headers=INTEGRATOR)
        assert refused.status_code == 422 and refused.json()["code"] == code, refused.text
    assert (await api.post(path, json={"changes": {}, "reason": "x"}, headers=INTEGRATOR)).status_code == 422

    started = await api.post(path, json=body, headers=INTEGRATOR)
    assert started.status_code == 202, started.text
    assert started.json()["version"] == 2
    assert {(c["field"], c["old"], c["new"]) for c in started.json()["changes"]} == {
        ("fine_amount", "5000.00", "3000.00"), ("subject_name", "江苏某某工程有限公司", "江苏某某工程股份有限公司")}
    (v2,) = await _versions(api, record["id"], 1)
    assert v2["version"] == 2 and v2["reason"] == "决定书金额录入有误" and v2["corrected_at"]

    mine = next(r for r in (await api.get(f"/api/v1/subjects/{uscc}/records", headers=token(
        "applicant", subject=uscc))).json() if r["id"] == record["id"])
    assert mine["version"] == 2 and mine["fine_amount"] == "3000.00"
    assert mine["subject"]["name"] == "江苏某某工程股份有限公司"
    sim = get_settings().simulator_url
    shown = httpx.get(f"{sim}/sites/creditchina_js/records/{record['id']}").json()
    assert shown["fine_amount"] == "3000.00" and shown["version"] == 2
    applied = httpx.get(f"{sim}/sites/city_320100/deliveries").json()["applied"]
    assert applied[f"record:{record['id']}:city_320100:correct:v2"] == 1

    again = await api.post(path, json={"changes": {"summary": "逾期未公示年度报告"}, "reason": "事由表述更正"},
                           headers=INTEGRATOR)
    assert again.status_code == 202 and again.json()["version"] == 3
    found = await _versions(api, record["id"], 2)
    assert [v["version"] for v in found] == [2, 3]
