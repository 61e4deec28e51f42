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
