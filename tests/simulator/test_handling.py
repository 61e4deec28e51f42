"""The simulated handling side of the publicity system (simulator/handling.py): the hand-over and the
notices the hub sends, the decisions it calls back with, in auto mode and by hand on its page. The hub is
an httpx.MockTransport that records every callback and answers what a test scripts (200 unless told)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from simulator import handling
from simulator.app import app

SYSTEM = "gsxt_js"
BASE = f"/handling/{SYSTEM}"
CALLBACK = "http://hub.test/api/v1/handling/gsxt_js/callbacks"


class Hub:
    """The hub's callback endpoint: records each call, answers the scripted statuses (0: a connection error)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.answers: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        import json

        self.calls.append({"url": str(request.url), "authorization": request.headers.get("authorization"),
                           **json.loads(request.content)})
        status = self.answers.pop(0) if self.answers else 200
        if status == 0:
            raise httpx.ConnectError("connection refused", request=request)
        if status == 200:
            return httpx.Response(200, json={"taken": True})
        return httpx.Response(status, json={"code": "case.state", "message": "案件当前状态不接受该操作"})

    def actions(self) -> list[str]:
        return [c["action"] for c in self.calls]


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Hub:
    hub = Hub()
    monkeypatch.setattr(handling, "transport", httpx.MockTransport(hub))
    monkeypatch.setattr(handling, "BACKOFF_S", 0.01)
    monkeypatch.delenv(handling.TOKEN_ENV, raising=False)
    return hub


@pytest.fixture
def client(hub: Hub) -> Iterator[TestClient]:
    with TestClient(app) as client:  # one event loop for the whole test: the auto decisions run on it
        client.post("/reset")
        yield client
        client.post("/reset")


def control(client: TestClient, **settings: Any) -> None:
    assert client.post(f"{BASE}/control", json=settings).status_code == 200


def hand_over(client: TestClient, case_id: str = "case-1", key: str | None = None) -> httpx.Response:
    body = {"case_id": case_id, "application_id": "app-1", "record_id": "rec-1", "record_no": "JS-XZCF-2025-0001",
            "record_kind": "administrative_penalty", "track": "", "handler": "gsxt_js", "subject_key": "91320000X",
            "subject_name": "南京某某贸易有限公司", "filed_at": "2026-03-02T09:00:00+08:00", "callback_url": CALLBACK}
    return client.post(f"{BASE}/cases", json=body, headers={"Idempotency-Key": key or f"handover-{case_id}"})


def send_notice(client: TestClient, kind: str, key: str, case_id: str = "case-1") -> httpx.Response:
    return client.post(f"{BASE}/cases/{case_id}/notices", headers={"Idempotency-Key": key},
                       json={"kind": kind, "seq": 1, "at": "2026-03-03T10:00:00+08:00", "reason": "材料已补正"})


def case(client: TestClient, case_id: str = "case-1") -> dict[str, Any]:
    answer = client.get(f"{BASE}/cases/{case_id}")
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


def wait_for(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_hand_over_is_taken_once_whatever_the_key(client: TestClient) -> None:
    control(client, mode="manual")
    first = hand_over(client, key="key-00000001")
    assert first.status_code == 202
    body = first.json()
    assert re.fullmatch(r"GSXT-\d{4}-000001", body["reference"]) and body["replayed"] is False
    again = hand_over(client, key="key-00000001")
    assert again.status_code == 202 and again.json() == {**body, "replayed": True}
    other_key = hand_over(client, key="key-00000002")
    assert other_key.json()["reference"] == body["reference"] and other_key.json()["replayed"] is True
    cases = client.get(f"{BASE}/cases").json()["cases"]
    assert len(cases) == 1 and cases[0]["applied"] == 1 and cases[0]["state"] == "received"
    assert hand_over(client, case_id="case-2").json()["reference"].endswith("-000002")
    assert hand_over(client, key="short").status_code == 422


def test_control_makes_the_hand_over_fail_or_be_refused(client: TestClient) -> None:
    control(client, mode="manual", fail_next=1, refuse_next=1)
    assert hand_over(client).status_code == 503
    assert hand_over(client).status_code == 422
    assert hand_over(client).status_code == 202
    assert case(client)["applied"] == 1


def test_auto_mode_accepts_then_approves_with_the_bearer_token(client: TestClient, hub: Hub) -> None:
    control(client, mode="auto", delay_s=0.05, token="tok-from-control")
    hand_over(client)
    wait_for(lambda: case(client)["state"] == "decided")
    assert hub.actions() == ["accept", "approve"]
    assert {c["authorization"] for c in hub.calls} == {"Bearer tok-from-control"}
    assert {c["url"] for c in hub.calls} == {CALLBACK}
    assert len({c["event_id"] for c in hub.calls}) == 2
    assert all(c["reason"] and c["handled_by"] for c in hub.calls)
    held = case(client)
    assert held["decision"] == "approve" and [c["status_code"] for c in held["callbacks"]] == [200, 200]


def test_the_token_comes_from_the_environment_when_control_has_none(
        client: TestClient, hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(handling.TOKEN_ENV, "tok-from-env")
    control(client, mode="manual")
    hand_over(client)
    answer = client.post(f"{BASE}/cases/case-1/decide", json={"action": "accept", "reason": "材料齐全，予以受理"})
    assert answer.status_code == 200 and answer.json()["status_code"] == 200
    assert hub.calls[0]["authorization"] == "Bearer tok-from-env"
    assert hub.calls[0]["handled_by"] == handling.DEFAULT_HANDLER


def test_a_requested_supplement_waits_for_the_notice_then_approves(client: TestClient, hub: Hub) -> None:
    control(client, delay_s=0.05, outcome="request_supplement")
    hand_over(client)
    wait_for(lambda: case(client)["state"] == "supplement_requested")
    time.sleep(0.15)
    assert hub.actions() == ["accept", "request_supplement"]
    assert send_notice(client, "supplement", "notice-0001").json() == {"received": True, "replayed": False}
    assert send_notice(client, "supplement", "notice-0001").json() == {"received": True, "replayed": True}
    wait_for(lambda: case(client)["state"] == "decided")
    assert hub.actions() == ["accept", "request_supplement", "approve"]
    assert len(case(client)["notices"]) == 1


def test_a_withdrawal_stops_the_auto_decisions(client: TestClient, hub: Hub) -> None:
    control(client, delay_s=0.1)
    hand_over(client)
    assert send_notice(client, "withdrawn", "notice-withdraw").status_code == 200
    time.sleep(0.3)
    assert hub.calls == [] and case(client)["state"] == "withdrawn"
    assert "申请人已撤回" in client.get(BASE).text


def test_a_connection_error_or_5xx_is_retried_with_the_same_event_id(client: TestClient, hub: Hub) -> None:
    hub.answers = [0, 503, 200]
    control(client, delay_s=0.02)
    hand_over(client)
    wait_for(lambda: case(client)["state"] == "decided")
    assert hub.actions() == ["accept", "accept", "accept", "approve"]
    assert len({c["event_id"] for c in hub.calls[:3]}) == 1 and hub.calls[3]["event_id"] != hub.calls[0]["event_id"]
    assert [c["status_code"] for c in case(client)["callbacks"]] == [None, 503, 200, 200]


def test_a_409_is_recorded_and_not_retried(client: TestClient, hub: Hub) -> None:
    hub.answers = [409]
    control(client, mode="manual")
    hand_over(client)
    answer = client.post(f"{BASE}/cases/case-1/decide", json={"action": "accept", "reason": "材料齐全，予以受理"})
    assert answer.json()["status_code"] == 409 and answer.json()["message"] == "案件当前状态不接受该操作"
    time.sleep(0.05)
    assert len(hub.calls) == 1
    held = case(client)
    assert held["state"] == "received" and [c["status_code"] for c in held["callbacks"]] == [409]
    assert "平台答复 409，案件当前状态不接受该操作" in client.get(BASE).text
    refused = client.post(f"{BASE}/cases/case-1/decide", json={"action": "approve", "reason": "同意"})
    assert refused.status_code == 409 and len(hub.calls) == 1  # not allowed before acceptance: nothing sent


def options(page: str) -> list[str]:
    return re.findall(r'<option value="([a-z_]+)"', page)


def test_manual_mode_decides_on_the_page(client: TestClient, hub: Hub) -> None:
    control(client, mode="manual")
    reference = hand_over(client).json()["reference"]
    page = client.get(BASE)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert 'lang="zh-CN"' in text and 'name="viewport"' in text and "模拟器" in text and "人工办理" in text
    assert "国家企业信用信息公示系统（江苏）信用修复办理（模拟）" in text
    assert reference in text and "case-1" in text and "JS-XZCF-2025-0001" in text and "南京某某贸易有限公司" in text
    assert options(text) == ["accept", "reject"] and "尚未回传" in text
    for field in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', text):
        assert f'<label for="{field}">' in text
    posted = client.post(f"{BASE}/cases/case-1/decide", follow_redirects=False,
                         data={"action": "accept", "reason": "材料齐全，予以受理", "handled_by": "张经办"})
    assert posted.status_code == 303 and posted.headers["location"] == BASE
    assert hub.actions() == ["accept"] and hub.calls[0]["handled_by"] == "张经办"
    text = client.get(BASE).text
    assert "平台已接收" in text and "已受理" in text
    assert options(text) == ["approve", "deny", "request_supplement", "extend"]
    stale = client.post(f"{BASE}/cases/case-1/decide", follow_redirects=False,
                        data={"action": "accept", "reason": "再次受理"})
    assert stale.status_code == 303 and len(hub.calls) == 1 and "下不能受理" in client.get(BASE).text
    client.post(f"{BASE}/cases/case-1/decide", data={"action": "request_supplement", "reason": "请补正缴款凭证"})
    assert options(client.get(BASE).text) == []  # waiting for the supplement
    send_notice(client, "supplement", "notice-0002")
    client.post(f"{BASE}/cases/case-1/decide", data={"action": "approve", "reason": "已履行行政处罚义务，同意修复"})
    held = case(client)
    assert held["state"] == "decided" and held["decision"] == "approve" and "<form" not in client.get(BASE).text


def test_a_case_decided_by_hand_is_not_decided_again_by_the_auto_task(client: TestClient, hub: Hub) -> None:
    control(client, delay_s=0.1)
    hand_over(client)
    client.post(f"{BASE}/cases/case-1/decide", json={"action": "reject", "reason": "不属于本系统管辖"})
    time.sleep(0.3)
    assert hub.actions() == ["reject"] and case(client)["state"] == "not_accepted"


def test_an_unknown_case_is_404(client: TestClient) -> None:
    assert client.get(f"{BASE}/cases/nope").status_code == 404
    assert send_notice(client, "supplement", "notice-0003", case_id="nope").status_code == 404
    assert client.post(f"{BASE}/cases/nope/decide", json={"action": "accept", "reason": "x"}).status_code == 404
