"""POST /api/v1/records/{id}/payment-check through the app, the simulated payment platform behind it over HTTP:
paid marks the record fulfilled (no proof asked, the application then filed without one), unpaid or unknown
changes nothing, the platform down is 503, no fine is 422, and another subject's applicant gets 404."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from api import clock
from domain.errors import CATALOGUE, Code
from domain.periods import add_months
from tests import factories
from tests.api.conftest import token

ISSUER = "320100-market_regulation"


@pytest.fixture
def platform(simulator_url):
    with httpx.Client(base_url=simulator_url + "/payments", timeout=5) as client:
        yield client
        client.post("/control", json={})


async def registered(api, uscc: str, **over) -> dict:
    """A penalty with a fine of 5,000, eligible, whose payment nobody has told the hub of."""
    body = factories.record_body(issuer=ISSUER, decided_on=str(add_months(clock.today(), -4)),
                                 obligations_fulfilled=None,
                                 subject={"uscc": uscc, "name": "江苏某某工程有限公司", "contact_phone": "13912345678"},
                                 **over)
    r = await api.post("/api/v1/records", json=body, headers=token("integrator", authority=ISSUER))
    assert r.status_code == 201, r.text
    return r.json()


async def mine(api, uscc: str, record_id: str) -> dict:
    rows = (await api.get(f"/api/v1/subjects/{uscc}/records", headers=token("applicant", subject=uscc))).json()
    (row,) = [r for r in rows if r["id"] == record_id]
    return row


def paid(platform: httpx.Client, record_no: str, **over) -> str:
    day = str(clock.today() - timedelta(days=2))
    body = {"decision_no": record_no, "amount": "5000.00", "paid": True, "paid_on": day, "payer_name": "江苏某某",
            **over}
    assert platform.post("/notices", json=body).status_code == 201
    return day


async def test_paid_marks_the_record_fulfilled_and_the_application_asks_no_proof(api, platform):
    uscc = factories.uscc()
    record = await registered(api, uscc)
    assert record["needs_proof"] is True
    day = paid(platform, record["record_no"])
    url = f"/api/v1/records/{record['id']}/payment-check"
    applicant = token("applicant", subject=uscc)
    r = await api.post(url, headers=applicant)
    assert r.status_code == 200, r.text
    found = r.json()
    assert (found["paid"], found["paid_on"], found["amount"]) == (True, day, "5000.00")
    assert found["source"] == "非税收入缴款系统"
    assert found["record"]["needs_proof"] is False and found["record"]["obligations_confirmed_on"] == day
    assert (await mine(api, uscc, record["id"]))["needs_proof"] is False

    again = await api.post(url, headers=applicant)  # idempotent: the same answer, nothing new
    assert again.status_code == 200 and again.json()["paid"] is True and again.json()["paid_on"] == day
    assert again.json()["record"]["obligations_confirmed_on"] == day

    filed = await api.post("/api/v1/applications", json={"subject": uscc, "record_ids": [record["id"]],
                                                         "contact_phone": "13912345678", "commitment_signed": True},
                           headers=applicant)
    assert filed.status_code == 201, filed.text  # no proof uploaded, none asked


async def test_unpaid_or_unknown_changes_nothing(api, platform):
    uscc = factories.uscc()
    unpaid, unknown = await registered(api, uscc), await registered(api, uscc)
    paid(platform, unpaid["record_no"], paid=False, paid_on=None)
    for record, amount in ((unpaid, "5000.00"), (unknown, None)):
        r = await api.post(f"/api/v1/records/{record['id']}/payment-check", headers=token("window", authority="x"))
        assert r.status_code == 200, r.text
        assert (r.json()["paid"], r.json()["paid_on"], r.json()["amount"]) == (False, None, amount)
        assert r.json()["record"]["needs_proof"] is True
        assert (await mine(api, uscc, record["id"]))["needs_proof"] is True


async def test_the_platform_down_is_503_and_nothing_changes(api, platform):
    uscc = factories.uscc()
    record = await registered(api, uscc)
    paid(platform, record["record_no"])
    platform.post("/control", json={"fail_next": 1})
    r = await api.post(f"/api/v1/records/{record['id']}/payment-check", headers=token("applicant", subject=uscc))
    assert r.status_code == 503, r.text
    assert r.json() == {"code": "PAYMENT_PLATFORM_UNAVAILABLE",
                        "message": CATALOGUE[Code.PAYMENT_PLATFORM_UNAVAILABLE].message}
    assert (await mine(api, uscc, record["id"]))["needs_proof"] is True


async def test_no_fine_is_422_and_others_get_404(api, platform):
    uscc = factories.uscc()
    warned = await registered(api, uscc, penalty_types=["警告"], fine_amount=None)
    r = await api.post(f"/api/v1/records/{warned['id']}/payment-check", headers=token("applicant", subject=uscc))
    assert (r.status_code, r.json()["code"]) == (422, "NO_FINE")
    assert r.json()["message"] == "该信息没有罚款，无需查询缴款记录"

    record = await registered(api, uscc)
    paid(platform, record["record_no"])
    url = f"/api/v1/records/{record['id']}/payment-check"
    for who in (token("applicant", subject=factories.uscc()), token("integrator", authority="320100-tax"),
                token("caseworker", authority="320100-tax")):
        r = await api.post(url, headers=who)
        assert (r.status_code, r.json()["code"]) == (404, "NOT_FOUND"), r.text
    unknown = await api.post("/api/v1/records/rec_nosuchrecord/payment-check", headers=token("admin"))
    assert (unknown.status_code, unknown.json()["code"]) == (404, "NOT_FOUND")
    assert (await mine(api, uscc, record["id"]))["needs_proof"] is True  # nothing asked for them, nothing changed
    assert (await api.post(url)).status_code == 401


def test_the_operation_declares_its_refusals():
    from api.main import create_app

    op = create_app().openapi()["paths"]["/api/v1/records/{record_id}/payment-check"]["post"]
    assert op["operationId"] == "payments-check-payment"
    for status, code in (("404", "NOT_FOUND"), ("422", "NO_FINE"), ("503", "PAYMENT_PLATFORM_UNAVAILABLE")):
        assert f"`{code}`" in op["responses"][status]["description"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/PaymentCheckPublic")
