"""The simulated non-tax revenue payment platform (simulator/payments.py): a notice set is answered by its
decision number (URL-encoded, Chinese brackets and all), an unknown one is 404, the control makes it fail or
be slow, and /reset forgets everything."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from simulator.app import app

DECISION = "宁市监罚〔2026〕12号"


@pytest.fixture
def sim():
    with TestClient(app) as client:
        client.post("/reset")
        yield client
        client.post("/reset")


def url(decision_no: str) -> str:
    return f"/payments/notices/{quote(decision_no, safe='')}"


def test_a_notice_set_is_answered_by_its_decision_number(sim):
    assert sim.get(url(DECISION)).status_code == 404
    body = {"decision_no": DECISION, "amount": "5000", "paid": True, "paid_on": "2026-04-01", "payer_name": "南京某某"}
    assert sim.post("/payments/notices", json=body).status_code == 201
    r = sim.get(url(DECISION))
    assert r.status_code == 200
    assert r.json() == {"decision_no": DECISION, "amount": "5000.00", "paid": True, "paid_on": "2026-04-01",
                        "payer_name": "南京某某"}
    unpaid = sim.post("/payments/notices", json={"decision_no": DECISION, "amount": "5000.00"}).json()
    assert unpaid["paid"] is False and unpaid["paid_on"] is None  # set again: replaced
    assert sim.get(url("宁市监罚〔2026〕13号")).status_code == 404


def test_it_fails_or_is_slow_when_told_and_forgets_on_reset(sim):
    sim.post("/payments/notices", json={"decision_no": DECISION, "amount": "10.00", "paid": True,
                                        "paid_on": "2026-04-01"})
    assert sim.post("/payments/control", json={"fail_next": 2}).status_code == 200
    assert [sim.get(url(DECISION)).status_code for _ in range(3)] == [503, 503, 200]
    sim.post("/payments/control", json={"delay_s": 0.3})
    started = time.monotonic()
    assert sim.get(url(DECISION)).status_code == 200 and time.monotonic() - started >= 0.3
    assert sim.get("/payments/asked").json()["asked"] == 4
    sim.post("/reset")
    assert sim.get(url(DECISION)).status_code == 404 and sim.get("/payments/asked").json()["asked"] == 1
    assert sim.post("/payments/notices", json={"decision_no": "", "amount": "-1"}).status_code == 422
