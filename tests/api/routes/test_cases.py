"""Filing, deciding, answering a supplement and withdrawing through the routes, with the real workflows
on the time-skipping server behind them."""

from __future__ import annotations

import time

from api import clock
from config.settings import get_settings
from domain.periods import add_months
from store.db import engine_for, session_scope
from store.models import Material
from tests import factories
from tests.api.conftest import token
from tests.materials import pdf_bytes

ISSUER = "320100-market_regulation"
CASEWORKER = token("caseworker", authority=ISSUER)


async def registered(api, uscc: str, issuer: str = ISSUER) -> dict:
    body = factories.record_body(issuer=issuer, decided_on=str(add_months(clock.today(), -4)),
                                 subject={"uscc": uscc, "name": "江苏某某工程有限公司", "contact_phone": "13912345678"})
    r = await api.post("/api/v1/records", json=body, headers=token("integrator", authority=issuer))
    assert r.status_code == 201, r.text
    return r.json()


async def filed(api, uscc: str, record_ids: list[str]) -> dict:
    r = await api.post("/api/v1/applications", json={
        "subject": uscc, "record_ids": record_ids, "contact_phone": "13912345678", "commitment_signed": True,
    }, headers=token("applicant", subject=uscc))
    assert r.status_code == 201, r.text
    assert r.json()["started"] is True
    return r.json()


async def test_a_filing_starts_its_cases_and_the_handler_accepts(api):
    uscc = factories.uscc()
    record = await registered(api, uscc)
    app = await filed(api, uscc, [record["id"]])
    (case,) = app["cases"]
    assert case["handler"] == ISSUER and case["state"] == "pending_acceptance"

    other = token("caseworker", authority="320100-transport")
    refused = await api.post(f"/api/v1/cases/{case['id']}/decisions", json={"action": "accept"}, headers=other)
    assert refused.status_code in (403, 404) and refused.json()["code"] in ("FORBIDDEN", "NOT_FOUND")

    accepted = await api.post(f"/api/v1/cases/{case['id']}/decisions", json={"action": "accept"}, headers=CASEWORKER)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "under_review" and accepted.json()["deadline"]

    progress = await api.get(f"/api/v1/applications/{app['id']}", headers=token("applicant", subject=uscc))
    assert progress.status_code == 200
    assert progress.json()["cases"][0]["state"] == "under_review"


async def test_a_decision_on_a_closed_case_is_refused_at_once(api):
    uscc = factories.uscc()
    record = await registered(api, uscc)
    app = await filed(api, uscc, [record["id"]])
    case_id = app["cases"][0]["id"]
    applicant = token("applicant", subject=uscc)
    withdrawn = await api.post(f"/api/v1/applications/{app['id']}/withdraw", headers=applicant)
    assert withdrawn.status_code == 200, withdrawn.text

    for path, body, who in ((f"/api/v1/cases/{case_id}/decisions", {"action": "deny", "reason": "x"}, CASEWORKER),
                            (f"/api/v1/cases/{case_id}/resync", {"reason": "x"}, token("admin"))):
        started = time.monotonic()
        r = await api.post(path, json=body, headers=who)
        assert time.monotonic() - started < 5, "a closed case must not be retried as one not started yet"
        assert r.status_code == 409, r.text
        assert r.json()["code"] == "CASE_CLOSED"

    upload = await api.post("/api/v1/materials", files={"file": ("补正.pdf", pdf_bytes(), "application/pdf")},
                            data={"subject": uscc}, headers=applicant)
    assert upload.status_code == 201, upload.text
    material = upload.json()["id"]
    r = await api.post(f"/api/v1/cases/{case_id}/supplement", json={"materials": [material]}, headers=applicant)
    assert r.status_code == 409 and r.json()["code"] == "CASE_CLOSED"
    with session_scope(engine_for(get_settings().db_url)) as s:
        row = s.get(Material, material)
        assert row is not None and row.case_id is None  # refused: free again, not bound to a closed case


async def test_a_persons_id_number_is_masked_in_the_progress_for_everyone(api):
    person = factories.id_number(seq=417)
    body = factories.record_body(issuer=ISSUER, decided_on=str(add_months(clock.today(), -4)),
                                 subject={"id_number": person, "name": "张三", "contact_phone": "13912345678"})
    r = await api.post("/api/v1/records", json=body, headers=token("integrator", authority=ISSUER))
    assert r.status_code == 201, r.text
    app = await filed(api, person, [r.json()["id"]])
    for who in (token("applicant", subject=person), CASEWORKER, token("auditor"), token("supervisor", region="320100")):
        progress = await api.get(f"/api/v1/applications/{app['id']}", headers=who)
        assert progress.status_code == 200, progress.text
        assert person not in progress.text
        assert progress.json()["subject"] == person[:4] + "*" * 10 + person[-4:]


async def two_authorities(api) -> tuple[str, dict]:
    uscc = factories.uscc()
    first = await registered(api, uscc)
    second = await registered(api, uscc, issuer="320100-ecology_environment")
    return uscc, await filed(api, uscc, [first["id"], second["id"]])


async def test_withdrawing_reaches_every_authoritys_case_at_once(api):
    uscc, app = await two_authorities(api)
    r = await api.post(f"/api/v1/applications/{app['id']}/withdraw", headers=token("applicant", subject=uscc))
    assert r.status_code == 200, r.text
    assert [c["state"] for c in r.json()["cases"]] == ["withdrawn", "withdrawn"]
    for case in r.json()["cases"]:
        assert case["timeline"][-1]["action"] == "withdraw"


async def test_the_applicants_reason_reaches_the_timeline_and_only_authorities_that_acted_are_rated(api):
    uscc, app = await two_authorities(api)
    first, second = app["cases"]
    accepted = await api.post(f"/api/v1/cases/{first['id']}/decisions", json={"action": "accept"}, headers=CASEWORKER)
    assert accepted.status_code == 200, accepted.text
    applicant = token("applicant", subject=uscc)
    r = await api.post(f"/api/v1/applications/{app['id']}/withdraw", json={"reason": "已通过行政复议解决"},
                       headers=applicant)
    assert r.status_code == 200, r.text
    for case in r.json()["cases"]:
        last = case["timeline"][-1]
        assert (last["action"], last["reason"]) == ("withdraw", "已通过行政复议解决")
        assert last["actor_role"] == "applicant"
    slots = (await api.get(f"/api/v1/applications/{app['id']}/evaluations", headers=applicant)).json()
    assert [(s["handler"], s["can_rate"]) for s in slots] == [(ISSUER, True)]  # the second did nothing
    nothing = await api.post(f"/api/v1/applications/{app['id']}/evaluations", headers=applicant,
                             json={"handler": second["handler"], "rating": 5})
    assert (nothing.status_code, nothing.json()["code"]) == (422, "UNKNOWN_HANDLER")
    rated = await api.post(f"/api/v1/applications/{app['id']}/evaluations", headers=applicant,
                           json={"handler": ISSUER, "rating": 4})
    assert rated.status_code == 201, rated.text


async def test_a_withdrawal_reason_with_control_characters_is_refused_and_nothing_is_withdrawn(api):
    uscc, app = await two_authorities(api)
    applicant = token("applicant", subject=uscc)
    r = await api.post(f"/api/v1/applications/{app['id']}/withdraw", json={"reason": "原因\x07"}, headers=applicant)
    assert (r.status_code, r.json()["code"]) == (422, "INVALID_TEXT")
    long = await api.post(f"/api/v1/applications/{app['id']}/withdraw", json={"reason": "长" * 501},
                          headers=applicant)
    assert long.status_code == 422
    progress = await api.get(f"/api/v1/applications/{app['id']}", headers=applicant)
    assert [c["state"] for c in progress.json()["cases"]] == ["pending_acceptance", "pending_acceptance"]


async def test_with_temporal_down_nothing_is_withdrawn_and_the_applicant_is_told_so(api):
    from api.deps import get_temporal
    from services.temporal import Temporal

    uscc, app = await two_authorities(api)
    applicant = token("applicant", subject=uscc)
    overrides = api.app_under_test.dependency_overrides
    working = overrides[get_temporal]
    down = get_settings().model_copy(update={"temporal_address": "127.0.0.1:9"})  # nothing listens there
    overrides[get_temporal] = lambda: Temporal(down)
    try:
        r = await api.post(f"/api/v1/applications/{app['id']}/withdraw", headers=applicant)
    finally:
        overrides[get_temporal] = working
    assert r.status_code == 503 and r.json()["code"] == "TEMPORAL_UNAVAILABLE"
    assert "均未撤回" in r.json()["message"]
    progress = await api.get(f"/api/v1/applications/{app['id']}", headers=applicant)
    assert [c["state"] for c in progress.json()["cases"]] == ["pending_acceptance", "pending_acceptance"]
    # Temporal back: the same request withdraws both
    r = await api.post(f"/api/v1/applications/{app['id']}/withdraw", headers=applicant)
    assert [c["state"] for c in r.json()["cases"]] == ["withdrawn", "withdrawn"]


async def test_a_case_decided_before_the_withdrawal_keeps_its_decision(api):
    uscc, app = await two_authorities(api)
    first, second = app["cases"]
    for action in ("accept", "deny"):
        r = await api.post(f"/api/v1/cases/{first['id']}/decisions", json={"action": action, "reason": "不符合条件"},
                           headers=CASEWORKER)
        assert r.status_code == 200, r.text
    r = await api.post(f"/api/v1/applications/{app['id']}/withdraw", headers=token("applicant", subject=uscc))
    assert r.status_code == 200, r.text
    states = {c["id"]: c["state"] for c in r.json()["cases"]}
    assert states == {first["id"]: "denied", second["id"]: "withdrawn"}
    again = await api.post(f"/api/v1/applications/{app['id']}/withdraw", headers=token("applicant", subject=uscc))
    assert again.status_code == 409 and again.json()["code"] == "CASE_DECIDED"
