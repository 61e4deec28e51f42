"""The query code (查询码) over the API: every filing gets one, and a counter finds any application by it
and the last 4 digits of its phone; a wrong code, a wrong phone and a code that does not exist answer
without telling which."""

from __future__ import annotations

from domain.query_code import normalised, shown
from tests import factories
from tests.api.conftest import token
from tests.api.routes.test_cases import filed, registered

COUNTER = token("window", sub="window:320100-1")


async def test_a_counter_finds_an_online_application_by_its_code_and_phone(api):
    uscc = factories.uscc()
    record = await registered(api, uscc)
    app = await filed(api, uscc, [record["id"]])
    code = app["query_code"]
    assert normalised(code) == code  # ten digits with a good check digit
    progress = await api.get(f"/api/v1/applications/{app['id']}", headers=token("applicant", subject=uscc))
    assert progress.json()["query_code"] == code

    found = await api.post("/api/v1/applications/lookup", headers=COUNTER,
                           json={"query_code": shown(code), "phone_tail": "5678"})
    assert found.status_code == 200, found.text
    assert found.json()["id"] == app["id"] and found.json()["cases"][0]["record_no"] == record["record_no"]
    assert "13912345678" not in found.text

    wrong_phone = await api.post("/api/v1/applications/lookup", headers=COUNTER,
                                 json={"query_code": code, "phone_tail": "1234"})
    other = next(f"{code[:9]}{d}" for d in "0123456789" if normalised(f"{code[:9]}{d}") is None)
    misheard = await api.post("/api/v1/applications/lookup", headers=COUNTER,
                              json={"query_code": other, "phone_tail": "5678"})
    unknown_code = "0000000000" if code != "0000000000" else "0000000018"
    unknown = await api.post("/api/v1/applications/lookup", headers=COUNTER,
                             json={"query_code": unknown_code, "phone_tail": "5678"})
    assert (wrong_phone.status_code, wrong_phone.json()["code"]) == (404, "QUERY_NOT_MATCHED")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "QUERY_NOT_MATCHED")
    assert wrong_phone.json()["message"] == unknown.json()["message"]
    assert (misheard.status_code, misheard.json()["code"]) == (422, "INVALID_QUERY_CODE")
    tail = await api.post("/api/v1/applications/lookup", headers=COUNTER, json={"query_code": code, "phone_tail": "56"})
    assert (tail.status_code, tail.json()["code"]) == (422, "INVALID_PHONE_TAIL")

    for who in (token("applicant", subject=uscc), token("caseworker", authority="320100-market_regulation")):
        refused = await api.post("/api/v1/applications/lookup", headers=who,
                                 json={"query_code": code, "phone_tail": "5678"})
        assert refused.status_code == 403
