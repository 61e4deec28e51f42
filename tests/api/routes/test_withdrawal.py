"""POST /records/{id}/withdrawal through the app, with the workflows on the time-skipping server: the issuer
withdraws a record whose penalty was revoked, the applicant's open case is closed, every site takes it off,
/my says so; told again it answers 200 and starts nothing; another issuer learns nothing; a bad body is
refused with its field, nothing started."""

from __future__ import annotations

import asyncio
import re

from tests import factories
from tests.api.conftest import token
from tests.api.routes.test_cases import ISSUER, filed, registered

INTEGRATOR = token("integrator", authority=ISSUER)
BODY = {"cause": "litigation", "basis": "（2026）苏01行终12号", "reason": "法院判决撤销原处罚决定"}


async def _until_done(api, record_id: str) -> dict:
    for _ in range(300):
        answer = (await api.get(f"/api/v1/records/{record_id}/withdrawal", headers=INTEGRATOR)).json()
        if answer["withdrawal"] and answer["withdrawal"]["done_at"]:
            return answer
        await asyncio.sleep(0.05)
    raise AssertionError(f"not withdrawn everywhere: {answer}")


async def test_the_issuer_withdraws_a_revoked_penalty_and_the_open_case_is_closed(api):
    uscc = factories.uscc()
    record = await registered(api, uscc)
    app = await filed(api, uscc, [record["id"]])
    path = f"/api/v1/records/{record['id']}/withdrawal"

    other = await api.post(path, json=BODY, headers=token("integrator", authority="320100-transport"))
    assert other.status_code == 404 and other.json()["code"] == "NOT_FOUND"
    bad = await api.post(path, json={**BODY, "cause": "forgot"}, headers=INTEGRATOR)
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["cause"]
    assert (await api.post(path, json={"cause": "litigation"}, headers=INTEGRATOR)).status_code == 422

    started = await api.post(path, json=BODY, headers=INTEGRATOR)
    assert started.status_code == 202, started.text
    assert started.json()["sites_total"] == 16
    done = await _until_done(api, record["id"])
    assert done["state"] == "withdrawn" and len(done["acknowledged"]) == 16
    assert done["withdrawal"]["cause_label"] == "人民法院判决撤销或确认无效" and done["withdrawal"]["due"]
    again = await api.post(path, json=BODY, headers=INTEGRATOR)
    assert again.status_code == 200 and again.json()["state"] == "withdrawn"

    applicant = token("applicant", subject=uscc)
    for _ in range(100):
        progress = (await api.get(f"/api/v1/applications/{app['id']}", headers=applicant)).json()
        if progress["cases"][0]["state"] == "closed":
            break
        await asyncio.sleep(0.05)
    assert progress["cases"][0]["state_label"] == "已终止"
    assert "（2026）苏01行终12号" in progress["cases"][0]["timeline"][-1]["message"]

    records = (await api.get(f"/api/v1/subjects/{uscc}/records", headers=applicant)).json()
    mine = next(r for r in records if r["id"] == record["id"])
    assert mine["state"] == "withdrawn" and mine["eligibility"]["eligible"] is False
    assert mine["eligibility"]["reason_codes"] == ["RECORD_WITHDRAWN"]
    refiled = await api.post("/api/v1/applications", json={
        "subject": uscc, "record_ids": [record["id"]], "contact_phone": "13912345678", "commitment_signed": True,
    }, headers=applicant)
    assert refiled.status_code == 422 and refiled.json()["code"] == "NOT_ELIGIBLE"

    # the applicant's /my says why the record is gone and that every site has taken it off
    login = await api.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
    await api.post("/login", data={"csrf": csrf, "token": applicant["Authorization"].removeprefix("Bearer ")})
    page = (await api.get("/my")).text
    api.cookies.clear()
    assert "已撤销" in page and "人民法院判决撤销或确认无效（（2026）苏01行终12号）" in page
    assert "从各信用网站撤下" in page and "暂不能申请" not in page
