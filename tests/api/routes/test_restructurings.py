"""POST /restructurings and its outcome through the app, with the workflows on the time-skipping server: an
enterprise in restructuring applies with the court's ruling for two records of two authorities; each handler
lifts its record provisionally (the record `lifted`, the progress naming the ruling); the court's system says
the plan was carried out, once (another court learns nothing, a second word is refused), and both records
are repaired. Bad input is refused with a stable code, nothing stored."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import Session, select

from api import clock
from config.settings import get_settings
from store.db import engine_for
from store.models import Restructuring
from tests import factories
from tests.api.conftest import token
from tests.api.routes.test_cases import CASEWORKER, ISSUER, registered
from tests.materials import pdf_bytes

OTHER = "320100-transport"
COURT = token("integrator", authority="320100-court")


def _body(uscc: str, record_ids: list[str], **over) -> dict:  # type: ignore[no-untyped-def]
    return {"subject": uscc, "kind": "reorganisation", "court": "320100-court", "ruling_no": "（2026）苏01破12号之二",
            "ruled_on": str(clock.today()), "record_ids": record_ids, "contact_phone": "13912345678",
            "materials": ["mat_placeholder"], **over}


async def _states(api, app_id: str, headers: dict, state: str) -> dict:  # type: ignore[no-untyped-def]
    for _ in range(300):
        view = (await api.get(f"/api/v1/applications/{app_id}", headers=headers)).json()
        if all(c["state"] == state for c in view["cases"]):
            return view
        await asyncio.sleep(0.05)
    raise AssertionError(f"never all {state}: {[c['state'] for c in view['cases']]}")


def _count() -> int:
    with Session(engine_for(get_settings().db_url)) as s:
        return len(s.exec(select(Restructuring)).all())


async def _ruling(api, uscc: str, headers: dict) -> str:  # type: ignore[no-untyped-def]
    up = await api.post("/api/v1/materials", files={"file": ("裁定书.pdf", pdf_bytes("ruling"), "application/pdf")},
                        data={"subject": uscc}, headers=headers)
    assert up.status_code == 201, up.text
    return str(up.json()["id"])


async def test_lifted_by_each_handler_then_repaired_on_the_courts_word(api):
    uscc = factories.uscc()
    first, second = await registered(api, uscc), await registered(api, uscc, issuer=OTHER)
    applicant = token("applicant", subject=uscc)
    ruling = await _ruling(api, uscc, applicant)
    made = await api.post("/api/v1/restructurings", json=_body(uscc, [first["id"], second["id"]], materials=[ruling]),
                          headers=applicant)
    assert made.status_code == 201, made.text
    app_id = made.json()["id"]
    for case in made.json()["cases"]:
        who = CASEWORKER if case["handler"] == ISSUER else token("caseworker", authority=OTHER)
        # the ruling is kept with the first case, and each handler reads it; no one else does
        assert (await api.get(f"/api/v1/materials/{ruling}", headers=who)).status_code == 200
        path = f"/api/v1/cases/{case['id']}/decisions"
        assert (await api.post(path, json={"action": "accept"}, headers=who)).status_code == 200
        lifted = await api.post(path, json={"action": "approve", "reason": "裁定书属实"}, headers=who)
        assert lifted.json()["state"] == "lifted", lifted.text
    stranger = token("caseworker", authority="320200-transport")
    assert (await api.get(f"/api/v1/materials/{ruling}", headers=stranger)).status_code == 404
    view = await _states(api, app_id, applicant, "lifted")
    assert view["restructuring"]["kind_label"] == "破产重整"
    assert view["restructuring"]["court_name"] == "南京市中级人民法院" and view["restructuring"]["outcome"] is None
    assert view["cases"][0]["state_label"] == "重整（和解）期间暂予修复"
    records = (await api.get(f"/api/v1/subjects/{uscc}/records", headers=applicant)).json()
    assert {r["state"] for r in records} == {"lifted"}

    outcome = {"outcome": "carried_out", "ruling_no": "（2026）苏01破12号之五", "ruled_on": str(clock.today())}
    path = f"/api/v1/restructurings/{app_id}/outcome"
    other_court = await api.post(path, json=outcome, headers=token("integrator", authority="320200-court"))
    assert other_court.status_code == 404
    bad = await api.post(path, json={**outcome, "outcome": "maybe"}, headers=COURT)
    assert bad.status_code == 422 and bad.json()["code"] == "INVALID_OUTCOME"
    told = await api.post(path, json=outcome, headers=COURT)
    assert told.status_code == 202, told.text
    assert sorted(told.json()["cases"]) == sorted(c["id"] for c in made.json()["cases"])
    view = await _states(api, app_id, applicant, "repaired")
    assert view["restructuring"]["outcome_label"] == "执行完毕"
    again = await api.post(path, json={**outcome, "outcome": "failed"}, headers=COURT)
    assert again.status_code == 409 and again.json()["code"] == "OUTCOME_KNOWN"
    records = (await api.get(f"/api/v1/subjects/{uscc}/records", headers=applicant)).json()
    assert {r["state"] for r in records} == {"repaired"}


async def test_bad_restructurings_are_refused_and_nothing_is_stored(api):
    uscc = factories.uscc()
    record = await registered(api, uscc)
    theirs = await registered(api, factories.uscc())
    applicant = token("applicant", subject=uscc)
    before = _count()

    async def refused(body: dict, status: int, code: str) -> None:
        r = await api.post("/api/v1/restructurings", json=body, headers=applicant)
        assert (r.status_code, r.json()["code"]) == (status, code), r.text

    ids = [record["id"]]
    await refused(_body(uscc, ids, kind="liquidation"), 422, "INVALID_RESTRUCTURING_KIND")
    await refused(_body(uscc, ids, ruling_no=" "), 422, "RULING_REQUIRED")
    await refused(_body(uscc, ids, ruled_on=str(clock.today() + timedelta(days=1))), 422, "RULED_IN_FUTURE")
    await refused(_body(uscc, ids, court=OTHER), 422, "UNKNOWN_COURT")
    await refused(_body(uscc, [theirs["id"]]), 422, "UNKNOWN_RECORD")
    await refused(_body(uscc, ids, materials=[]), 422, "RULING_MATERIAL_REQUIRED")
    await refused(_body(uscc, ids, materials=["mat_nothing"]), 422, "UNKNOWN_MATERIAL")
    await refused(_body(uscc, []), 422, "INVALID_RECORD_IDS")
    assert _count() == before
    outcome = {"outcome": "failed", "ruling_no": "x", "ruled_on": str(clock.today())}
    missing = await api.post("/api/v1/restructurings/app_nothing/outcome", json=outcome, headers=COURT)
    assert missing.status_code == 404
