"""The vertical systems for real (issue 11 item 2) and both routing modes of `routing.penalty_handler`, on a
stack whose config hands the market-regulation penalty track to the publicity system (`handled_in: gsxt_js`)
and routes other departments' penalties to development and reform (`penalty_handler: credit_centre`).

A market-regulation penalty is handed over to the simulated publicity system over HTTP, decided there (on
its own after a delay, or by hand on its page), and its decisions come back through the API as the case
workflow's Updates: repaired on every site, each site once, the hub's workbench refused meanwhile (one
decider), a callback sent twice taken once, a worker killed while the system is down losing nothing. A tax
penalty goes to Nantong's development and reform commission, which decides it; the tax office cannot."""

from __future__ import annotations

import re
import shutil

import httpx
import pytest
import yaml

from devstack import start_stack
from tests import factories
from tests.system.steps import apply, decide, eventually, progress, register

pytestmark = pytest.mark.system
MARKET, TAX, CENTRE = "320600-market_regulation", "320600-tax", "320600-development_reform"
SYSTEM = "gsxt_js"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    config = tmp_path_factory.mktemp("config") / "config"
    shutil.copytree("config", config)
    policy = yaml.safe_load((config / "policy.yaml").read_text(encoding="utf-8"))
    policy["routing"]["penalty_handler"] = "credit_centre"
    for track in policy["tracks"]:
        if track["key"] == "penalty_market_regulation":
            track["handled_in"] = SYSTEM
    (config / "policy.yaml").write_text(yaml.safe_dump(policy, allow_unicode=True), encoding="utf-8")
    with start_stack(tmp_path_factory.mktemp("system-var"), extra={"XIUFU_CONFIG_DIR": str(config)}) as s:
        yield s


def handling(stack, path: str = "") -> str:
    return f"{stack.simulator}/handling/{SYSTEM}{path}"


def control(stack, **settings) -> None:
    httpx.post(handling(stack, "/control"), json=settings).raise_for_status()


def system_case(stack, case_id: str) -> dict | None:
    answer = httpx.get(handling(stack, f"/cases/{case_id}"))
    return answer.json() if answer.status_code == 200 else None


def filed(stack, issuer: str, n: int) -> tuple[str, str, str]:
    uscc = factories.uscc(n)
    record = register(stack, issuer, uscc)
    answer = apply(stack, uscc, [record["id"]])
    assert answer.status_code == 201, answer.text
    return uscc, answer.json()["id"], answer.json()["cases"][0]["id"]


def repaired_everywhere(stack, app_id: str, uscc: str, case_id: str) -> dict:
    eventually(lambda: progress(stack, app_id, uscc)["cases"][0]["state"] == "repaired", timeout=90, every=0.5)
    for site in ("creditchina_js", "gsxt_js", "city_320600"):
        applied = httpx.get(f"{stack.simulator}/sites/{site}/deliveries").json()["applied"]
        assert applied[f"{case_id}:{site}:repair"] == 1
    return progress(stack, app_id, uscc)["cases"][0]


def test_a_market_penalty_decided_in_the_publicity_system_comes_back_and_is_repaired(stack):
    control(stack, mode="auto", delay_s=1.5)
    uscc, app_id, case_id = filed(stack, MARKET, 8801)
    taken = eventually(lambda: system_case(stack, case_id), timeout=30)
    assert taken["applied"] == 1 and taken["handler"] == MARKET

    refused = decide(stack, case_id, MARKET, "accept")  # the hub's caseworker: the system decides this one
    assert refused.status_code == 409 and refused.json()["code"] == "HANDLED_ELSEWHERE", refused.text
    assert "国家企业信用信息公示系统（江苏）" in refused.json()["message"]

    case = repaired_everywhere(stack, app_id, uscc, case_id)
    messages = [e["message"] for e in case["timeline"]]
    assert any(m.startswith("已转交国家企业信用信息公示系统（江苏）办理") for m in messages)
    assert "材料齐全，予以受理" in str(case["timeline"]) and "已履行行政处罚义务，同意修复" in str(case["timeline"])
    answers = [c["status_code"] for c in system_case(stack, case_id)["callbacks"]]
    assert answers == [200, 200]  # accept, approve: each taken at once


def test_decided_by_hand_on_the_systems_page_and_a_repeated_callback_taken_once(stack):
    control(stack, mode="manual")
    uscc, app_id, case_id = filed(stack, MARKET, 8802)
    eventually(lambda: system_case(stack, case_id), timeout=30)
    page = httpx.get(handling(stack)).text
    assert case_id in page and "模拟" in page
    for action, reason in (("accept", "材料齐全，予以受理"), ("approve", "已履行行政处罚义务，同意修复")):
        sent = httpx.post(handling(stack, f"/cases/{case_id}/decide"),
                          data={"action": action, "reason": reason, "handled_by": "王公示"})
        assert sent.status_code == 303
    assert "平台已接收" in httpx.get(handling(stack)).text
    case = repaired_everywhere(stack, app_id, uscc, case_id)
    assert [e["action"] for e in case["timeline"]].count("accept") == 1
    approval = next(e for e in case["timeline"] if e["action"] == "approve")
    assert approval["actor_role"] == "handling_system"

    # the system's callback again, as its retry after a lost answer would send it: 200, and nothing new
    event = system_case(stack, case_id)["callbacks"][0]
    token = stack.token("--role", "handling_system", "--authority", SYSTEM)
    again = httpx.post(stack.api + f"/api/v1/handling/cases/{case_id}/decisions", headers=token, json={
        "event_id": event["event_id"], "action": "accept", "reason": "材料齐全，予以受理"})
    assert again.status_code == 200 and again.json()["state"] == "repaired"
    assert len(progress(stack, app_id, uscc)["cases"][0]["timeline"]) == len(case["timeline"])

    other = httpx.post(stack.api + f"/api/v1/handling/cases/{case_id}/decisions", json={
        "event_id": "x-1", "action": "accept", "reason": "x"},
        headers=stack.signed("handling_system", authority="another_system"))
    assert other.status_code == 404 and other.json()["code"] == "NOT_FOUND"


def test_a_worker_killed_while_the_system_is_down_hands_the_case_over_once(stack):
    control(stack, mode="manual", fail_next=2)  # the system's interface answers 503 twice
    uscc, app_id, case_id = filed(stack, MARKET, 8803)
    stack.kill("worker")
    stack.restart("worker")
    taken = eventually(lambda: system_case(stack, case_id), timeout=60, every=0.5)
    assert taken["applied"] == 1
    eventually(lambda: any(re.match("已转交", e["message"])
                           for e in progress(stack, app_id, uscc)["cases"][0]["timeline"]), timeout=30)


def test_other_penalties_go_to_development_and_reform_in_credit_centre_mode(stack):
    uscc, app_id, case_id = filed(stack, TAX, 8804)
    case = progress(stack, app_id, uscc)["cases"][0]
    assert case["handler"] == CENTRE
    assert decide(stack, case_id, TAX, "accept").status_code in (403, 404)
    assert decide(stack, case_id, CENTRE, "accept").status_code == 200
    assert decide(stack, case_id, CENTRE, "approve", "已履行行政处罚义务，同意修复").status_code == 200
    repaired_everywhere(stack, app_id, uscc, case_id)
    assert system_case(stack, case_id) is None  # not a market-regulation track: never handed over
