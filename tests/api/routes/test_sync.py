"""The reconciliation board's API (对账): the admin starts a run on demand, the board then shows each site's
reconciliation and its differences page by page, and the report downloads as .xlsx and CSV with Chinese
headers; only the hub's staff see any of it."""

from __future__ import annotations

import csv
import io
import uuid

import httpx
from openpyxl import load_workbook

from contracts.reconciliation import ReconcileResult
from tests import factories
from tests.api.conftest import token

ADMIN = token("admin")
AUDITOR = token("auditor")


async def test_started_on_demand_then_shown_on_the_board_and_in_the_report(api, routes_env, simulator_url):
    stranger = "rec_site_only_" + uuid.uuid4().hex[:8]
    httpx.post(f"{simulator_url}/sites/creditchina_js/records",
               json={"record_id": stranger, "subject_key": "x"}).raise_for_status()
    started = await api.post("/api/v1/sync/reconciliations", headers=ADMIN)
    assert started.status_code == 202, started.text
    workflow_id = started.json()["workflow_id"]
    assert workflow_id == f"reconcile-{started.json()['day']}"
    handle = routes_env.client.get_workflow_handle(workflow_id, result_type=ReconcileResult)
    result = await handle.result()

    board = await api.get("/api/v1/sync", headers=AUDITOR)
    assert board.status_code == 200, board.text
    sites = {s["target"]: s for s in board.json()["sites"]}
    cc = sites["creditchina_js"]
    assert cc["run_id"] == result.run_id and cc["finished_at"] and cc["counts"]["unknown"] >= 1
    assert cc["target_name"] == "信用中国(江苏)" and board.json()["labels"]["unknown"] == "网站展示的信息归集库中不存在"

    first = await api.get("/api/v1/sync/differences", headers=AUDITOR,
                          params={"run_id": result.run_id, "target": "creditchina_js", "kind": "unknown", "limit": 1})
    page = first.json()
    assert len(page["items"]) == 1 and page["items"][0]["outcome"] == "reported"
    seen = {page["items"][0]["record_id"]}
    while page["next"]:
        page = (await api.get("/api/v1/sync/differences", headers=AUDITOR, params={
            "run_id": result.run_id, "target": "creditchina_js", "kind": "unknown", "after": page["next"]})).json()
        seen |= {d["record_id"] for d in page["items"]}
    assert stranger in seen

    xlsx = await api.get("/api/v1/sync/report", headers=AUDITOR, params={"run_id": result.run_id})
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("网站", "信息编号", "差异类型", "处理情况")
    found = ("信用中国(江苏)", stranger, "网站展示的信息归集库中不存在", "已报告，由信息提供单位核实")
    assert found in {r[:4] for r in rows}
    text = (await api.get("/api/v1/sync/report", headers=AUDITOR,
                          params={"run_id": result.run_id, "format": "csv"})).content.decode("utf-8-sig")
    assert any(r[1] == stranger for r in csv.reader(io.StringIO(text)))


async def test_only_the_hub_staff_see_it_and_only_the_admin_starts_it(api):
    for who in (token("caseworker", authority="320100-market_regulation"), token("supervisor", region="320100"),
                token("applicant", subject=factories.uscc())):
        assert (await api.get("/api/v1/sync", headers=who)).status_code == 403
    assert (await api.get("/api/v1/sync", headers=token("supervisor", region="320000"))).status_code == 200
    assert (await api.post("/api/v1/sync/reconciliations", headers=AUDITOR)).status_code == 403
    assert (await api.get("/api/v1/sync")).status_code == 401
    missing = await api.get("/api/v1/sync/report", headers=ADMIN, params={"run_id": "no-such-run"})
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
    bad = await api.get("/api/v1/sync/report", headers=ADMIN, params={"run_id": "x", "format": "pdf"})
    assert bad.status_code == 422


async def test_the_applicant_sees_each_site_as_the_last_reconciliation_found_it(api, routes_env, simulator_url):
    import asyncio

    from tests.api.routes.test_cases import CASEWORKER, filed, registered
    from tests.api.web.test_objection_pages import _sign_in

    uscc = factories.uscc()
    record = await registered(api, uscc)
    applicant = token("applicant", subject=uscc)
    httpx.post(f"{simulator_url}/sites/creditchina_js/records",
               json={"record_id": record["id"], "subject_key": uscc}).raise_for_status()
    httpx.post(f"{simulator_url}/control/creditchina_js", json={"drop_next": 1}).raise_for_status()
    app = await filed(api, uscc, [record["id"]])
    path = f"/api/v1/cases/{app['cases'][0]['id']}/decisions"
    assert (await api.post(path, json={"action": "accept"}, headers=CASEWORKER)).status_code == 200
    assert (await api.post(path, json={"action": "approve", "reason": "同意"}, headers=CASEWORKER)).status_code == 200
    for _ in range(300):
        view = (await api.get(f"/api/v1/applications/{app['id']}", headers=applicant)).json()
        if view["cases"][0]["state"] == "repaired":
            break
        await asyncio.sleep(0.05)
    before = (await api.get(f"/api/v1/applications/{app['id']}/sites", headers=applicant)).json()
    assert [c["checked_at"] for c in before["cases"][0]["checks"]] == [None] * 16  # not read since the repair

    started = (await api.post("/api/v1/sync/reconciliations", headers=ADMIN)).json()
    await routes_env.client.get_workflow_handle(started["workflow_id"]).result()
    after = (await api.get(f"/api/v1/applications/{app['id']}/sites", headers=applicant)).json()
    checks = {c["target"]: c for c in after["cases"][0]["checks"]}
    cc = checks["creditchina_js"]
    assert cc["shown"] is True and cc["outcome"] == "redelivered" and "已重新推送修复结果并经网站确认" in cc["doing"]
    assert all(c["checked_at"] and c["shown"] is False for t, c in checks.items() if t != "creditchina_js")
    assert httpx.get(f"{simulator_url}/sites/creditchina_js/records/{record['id']}").json()["published"] is False
    other = token("applicant", subject=factories.uscc())
    assert (await api.get(f"/api/v1/applications/{app['id']}/sites", headers=other)).status_code == 404

    _sign_in(api, "applicant", subject=uscc)
    page = (await api.get(f"/applications/{app['id']}")).text
    assert "各网站核查" in page and "<strong>信用中国(江苏)</strong>：该网站核查时仍在展示" in page
    assert "15 个网站核查时已不再展示该信息" in page


async def test_a_repair_a_site_refused_waits_on_the_board_with_the_refusal(api, simulator_url):
    import asyncio

    from tests.api.routes.test_cases import CASEWORKER, filed, registered
    from tests.api.web.test_objection_pages import _sign_in

    uscc = factories.uscc()
    record = await registered(api, uscc)
    httpx.post(f"{simulator_url}/control/city_320100", json={"refuse_next": 1}).raise_for_status()
    app = await filed(api, uscc, [record["id"]])
    case_id = app["cases"][0]["id"]
    path = f"/api/v1/cases/{case_id}/decisions"
    assert (await api.post(path, json={"action": "accept"}, headers=CASEWORKER)).status_code == 200
    assert (await api.post(path, json={"action": "approve", "reason": "同意"}, headers=CASEWORKER)).status_code == 200
    for _ in range(300):
        board = (await api.get("/api/v1/sync", headers=AUDITOR)).json()
        mine = [w for w in board["waiting"] if w["case_id"] == case_id]
        if mine and mine[0]["refused"] and mine[0]["acknowledged"] == 15:
            break
        await asyncio.sleep(0.05)
    assert mine and mine[0]["targets"] == 16 and "信用南京拒收修复结果" in mine[0]["refused"][0], board["waiting"]
    assert mine[0]["handler_name"] == "南京市市场监督管理局" and board["oldest_waiting_since"]
    _sign_in(api, "auditor")
    page = (await api.get("/sync")).text
    assert "尚未得到全部网站确认的修复结果" in page and f'href="/cases/{case_id}"' in page and "15 / 16" in page
