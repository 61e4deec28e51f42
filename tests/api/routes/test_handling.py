"""The handling systems' route and the workbench of a case handed to one (config/handling.yaml), through the
app: the hub's caseworker is refused with HANDLED_ELSEWHERE and offered no decision on the case page, a
system reaches only the cases handed to it, a bad report is refused before any Update. The case is marked
handed over in the store as a track with `handled_in` files it (the default config hands no track over;
tests/system/test_handling.py runs the whole path with a config that does)."""

from __future__ import annotations

import re

from config.settings import get_settings
from store.db import engine_for, session_scope
from store.models import RepairCase
from tests import factories
from tests.api.conftest import token
from tests.api.routes.test_cases import CASEWORKER, filed, registered

SYSTEM = token("handling_system", authority="gsxt_js")


def _handed_over(case_id: str) -> None:
    with session_scope(engine_for(get_settings().db_url)) as s:
        row = s.get(RepairCase, case_id)
        row.handled_in = "gsxt_js"
        s.add(row)


async def _case(api) -> tuple[str, str]:
    uscc = factories.uscc()
    app = await filed(api, uscc, [(await registered(api, uscc))["id"]])
    return uscc, app["cases"][0]["id"]


async def test_the_hubs_caseworker_is_sent_to_the_system(api):
    uscc, case_id = await _case(api)
    _handed_over(case_id)
    refused = await api.post(f"/api/v1/cases/{case_id}/decisions", json={"action": "accept"}, headers=CASEWORKER)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "HANDLED_ELSEWHERE"
    assert refused.json()["message"] == "该事项已转交国家企业信用信息公示系统（江苏）办理，请在该系统中作出决定"

    queue = (await api.get("/api/v1/cases", headers=CASEWORKER)).json()
    seen = next(c for c in queue if c["id"] == case_id)
    assert (seen["handled_in"], seen["handled_in_name"]) == ("gsxt_js", "国家企业信用信息公示系统（江苏）")

    login = await api.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', login.text).group(1)
    await api.post("/login", data={"csrf": csrf, "token": CASEWORKER["Authorization"].removeprefix("Bearer ")})
    page = await api.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert "已转交国家企业信用信息公示系统（江苏）" in page.text and "请在该系统中办理" in page.text
    assert f'action="/cases/{case_id}/decisions"' not in page.text  # nothing to decide here
    api.cookies.clear()


async def test_a_system_reaches_only_the_cases_handed_to_it(api):
    _, case_id = await _case(api)  # decided on the workbench: not handed over
    body = {"event_id": "GSXT-1", "action": "accept", "reason": "材料齐全，予以受理"}
    path = f"/api/v1/handling/cases/{case_id}/decisions"
    for headers in (SYSTEM, CASEWORKER, token("handling_system", authority="another")):
        r = await api.post(path, json=body, headers=headers)
        assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND", r.text
    assert (await api.post(path, json=body)).status_code == 401
    missing = await api.post(path, json={"action": "accept"}, headers=SYSTEM)
    assert missing.status_code == 422 and missing.json()["code"] == "MISSING_FIELD"
    unknown = await api.post(path, json={**body, "action": "withdraw"}, headers=SYSTEM)
    assert unknown.status_code == 422 and unknown.json()["code"] == "INVALID_ACTION"
    seen = next(c for c in (await api.get("/api/v1/cases", headers=CASEWORKER)).json() if c["id"] == case_id)
    assert seen["state"] == "pending_acceptance" and seen["handled_in"] is None
