"""The steps of a repair over HTTP, as the system tests take them against a running stack."""

from __future__ import annotations

import time

import httpx

from api import clock
from domain.periods import add_months
from tests import factories


def eventually(check, timeout: float = 60, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(every)


def register(stack, issuer: str, uscc: str) -> dict:
    body = factories.record_body(issuer=issuer, subject={"uscc": uscc, "name": "江苏某某工程有限公司",
                                                         "contact_phone": "13912345678"},
                                 decided_on=str(add_months(clock.today(), -4)))
    r = httpx.post(stack.api + "/api/v1/records", json=body, headers=stack.token(
        "--role", "integrator", "--authority", issuer))
    assert r.status_code == 201, r.text
    return r.json()


def apply(stack, uscc: str, record_ids: list[str], headers=None) -> httpx.Response:
    return httpx.post(stack.api + "/api/v1/applications", json={
        "subject": uscc, "record_ids": record_ids, "contact_phone": "13912345678", "commitment_signed": True,
    }, headers=headers or stack.token("--role", "applicant", "--subject", uscc), timeout=30)


def decide(stack, case_id: str, authority: str, action: str, reason: str = "") -> httpx.Response:
    return httpx.post(stack.api + f"/api/v1/cases/{case_id}/decisions", json={"action": action, "reason": reason},
                      headers=stack.token("--role", "caseworker", "--authority", authority), timeout=30)


def texts_about(stack, app_id: str, case_ids: list[str]) -> dict[str, tuple[int, str]]:
    """The message centre's SMS about an application: {idempotency key: (times delivered, text)}."""
    centre = httpx.get(stack.simulator + "/message-centre/messages").json()
    mine = [k for k in centre["sent"] if k == f"filed:{app_id}" or any(f":{c}:" in k for c in case_ids)]
    return {k: (centre["delivered"][k], centre["sent"][k]["text"]) for k in mine}


def progress(stack, app_id: str, uscc: str) -> dict:
    r = httpx.get(stack.api + f"/api/v1/applications/{app_id}",
                  headers=stack.token("--role", "applicant", "--subject", uscc))
    assert r.status_code == 200, r.text
    return r.json()
