"""End to end over HTTP, the requests that are not a repair (issue 11): an objection to a record's fine amount
upheld by a correction, sent to every site once although the worker is SIGKILLed while the corrected content
is in flight; and a restructuring (破产重整) lifted by its handler, then repaired on every site on the court's
word that the plan was carried out."""

from __future__ import annotations

import httpx
import pytest

from api import clock
from tests import factories
from tests.materials import pdf_bytes
from tests.system.steps import decide, eventually, progress, register, texts_about

pytestmark = pytest.mark.system


def test_an_objection_corrects_the_record_on_every_site_once_though_the_worker_is_killed(stack):
    uscc = factories.uscc(9021)
    issuer = "320800-transport"
    record = register(stack, issuer, uscc)
    applicant = stack.token("--role", "applicant", "--subject", uscc)
    made = httpx.post(stack.api + "/api/v1/objections", headers=applicant, timeout=30, json={
        "subject": uscc, "record_id": record["id"], "ground": "content",
        "statement": "决定书载明罚款500元，登记为5000元", "claimed": {"fine_amount": "500"},
        "contact_phone": "13912345678"})
    assert made.status_code == 201, made.text
    case_id = made.json()["cases"][0]["id"]
    assert decide(stack, case_id, issuer, "accept").json()["state"] == "under_review"
    for site in ("creditchina_js", "city_320800"):  # slow sites keep deliveries in flight
        httpx.post(stack.simulator + f"/control/{site}", json={"delay_s": 1.5})

    def received() -> int:
        return int(httpx.get(stack.simulator + "/sites/creditchina_js/deliveries").json()["received"])

    before = received()
    corrected = httpx.post(stack.api + f"/api/v1/cases/{case_id}/decisions", timeout=30, json={
        "action": "correct", "reason": "核对决定书原件，金额登记错误", "changes": {"fine_amount": "500"}},
        headers=stack.token("--role", "caseworker", "--authority", issuer))
    assert corrected.status_code == 200 and corrected.json()["state"] == "correcting", corrected.text
    eventually(lambda: received() > before, timeout=30)  # the corrected content reaching the slow site
    stack.kill("worker")
    stack.start_worker()

    case = eventually(lambda: (c := progress(stack, made.json()["id"], uscc)["cases"][0])["state"] == "corrected"
                      and c, timeout=150)
    assert case["objection"]["corrected"][0]["new"] == "500.00"
    for site in ("creditchina_js", "city_320800", "gsxt_js"):
        httpx.post(stack.simulator + f"/control/{site}", json={})
        log = httpx.get(stack.simulator + f"/sites/{site}/deliveries").json()
        assert log["applied"][f"record:{record['id']}:{site}:correct:v2"] == 1
    texts = eventually(lambda: (t := texts_about(stack, made.json()["id"], [case_id])) and any(
        k.startswith("objection_corrected:") for k in t) and t, timeout=60)
    assert all(n == 1 for n, _ in texts.values())
    records = httpx.get(stack.api + f"/api/v1/subjects/{uscc}/records", headers=applicant).json()
    assert records[0]["fine_amount"] == "500.00" and records[0]["state"] == "published"


def test_a_restructuring_is_lifted_then_repaired_on_the_courts_word(stack):
    uscc = factories.uscc(9022)
    issuer = "320800-tax"
    record = register(stack, issuer, uscc)
    applicant = stack.token("--role", "applicant", "--subject", uscc)
    ruling = httpx.post(stack.api + "/api/v1/materials", timeout=30, data={"subject": uscc}, headers=applicant,
                        files={"file": ("和解裁定书.pdf", pdf_bytes("ruling"), "application/pdf")})
    assert ruling.status_code == 201, ruling.text
    made = httpx.post(stack.api + "/api/v1/restructurings", timeout=30, json={
        "subject": uscc, "kind": "settlement", "court": "320800-court", "ruling_no": "（2026）苏08破5号之一",
        "ruled_on": str(clock.today()), "record_ids": [record["id"]], "contact_phone": "13912345678",
        "materials": [ruling.json()["id"]]}, headers=applicant)
    assert made.status_code == 201, made.text
    case_id = made.json()["cases"][0]["id"]
    decide(stack, case_id, issuer, "accept")
    assert decide(stack, case_id, issuer, "approve", "裁定书属实").json()["state"] == "lifted"
    eventually(lambda: httpx.get(stack.simulator + "/sites/gsxt_js/deliveries").json()["applied"].get(
        f"{case_id}:gsxt_js:shield") == 1, timeout=60)
    told = httpx.post(stack.api + f"/api/v1/restructurings/{made.json()['id']}/outcome", timeout=30, json={
        "outcome": "carried_out", "ruling_no": "（2026）苏08破5号之三", "ruled_on": str(clock.today())},
        headers=stack.token("--role", "integrator", "--authority", "320800-court"))
    assert told.status_code == 202 and told.json()["cases"] == [case_id], told.text
    done = eventually(lambda: (p := progress(stack, made.json()["id"], uscc))["cases"][0]["state"] == "repaired"
                      and p, timeout=90)
    assert done["restructuring"]["kind_label"] == "破产和解" and done["restructuring"]["outcome"] == "carried_out"
    assert len(done["cases"][0]["deliveries"]) == 16
    log = httpx.get(stack.simulator + "/sites/gsxt_js/deliveries").json()
    assert log["applied"][f"{case_id}:gsxt_js:repair"] == 1
