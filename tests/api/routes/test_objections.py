"""POST /objections through the app, with the workflows on the time-skipping server: a subject objects to a
record's content, the issuer's caseworker corrects it through the decisions API (the correction's own
versions list names the objection), the progress shows the objection and what was corrected, and the
decision document downloads as 异议处理决定书; a counter objects for a walk-in to a denial, routed to the
authority that refused. Bad input is refused with a stable code and its field, nothing stored: another
subject's record, a record no longer shown, a refusal that is not this record's or objected to already,
no reasons, an unknown ground, an open case, a field that cannot be claimed."""

from __future__ import annotations

import asyncio
from urllib.parse import unquote

from sqlmodel import Session, select

from config.settings import get_settings
from store.db import engine_for
from store.models import Objection
from tests import factories
from tests.api.conftest import token
from tests.api.routes.test_cases import CASEWORKER, ISSUER, filed, registered


def _body(uscc: str, record_id: str, **over) -> dict:  # type: ignore[no-untyped-def]
    return {"subject": uscc, "record_id": record_id, "ground": "content",
            "statement": "罚款金额登记有误，决定书载明500元", "claimed": {"fine_amount": "500.00"},
            "contact_phone": "13912345678", **over}


async def _until(api, app_id: str, headers: dict, state: str) -> dict:  # type: ignore[no-untyped-def]
    for _ in range(300):
        case = (await api.get(f"/api/v1/applications/{app_id}", headers=headers)).json()["cases"][0]
        if case["state"] == state:
            return case
        await asyncio.sleep(0.05)
    raise AssertionError(f"never {state}: {case}")


def _objections() -> int:
    with Session(engine_for(get_settings().db_url)) as s:
        return len(s.exec(select(Objection)).all())


async def test_an_objection_to_the_content_is_corrected_and_shown(api):
    uscc = factories.uscc()
    record = await registered(api, uscc)
    applicant = token("applicant", subject=uscc)
    made = await api.post("/api/v1/objections", json=_body(uscc, record["id"]), headers=applicant)
    assert made.status_code == 201, made.text
    case_id = made.json()["cases"][0]["id"]
    assert made.json()["cases"][0]["handler"] == ISSUER

    again = await api.post("/api/v1/objections", json=_body(uscc, record["id"]), headers=applicant)
    assert again.status_code == 409 and again.json()["code"] == "CASE_OPEN"
    decisions = f"/api/v1/cases/{case_id}/decisions"
    assert (await api.post(decisions, json={"action": "accept"}, headers=CASEWORKER)).status_code == 200
    missing = await api.post(decisions, json={"action": "correct", "reason": "核对原件"}, headers=CASEWORKER)
    assert missing.status_code == 422 and missing.json()["code"] == "CORRECTION_REQUIRED"
    same = await api.post(decisions, json={"action": "correct", "reason": "核对原件",
                                           "changes": {"fine_amount": "5000"}}, headers=CASEWORKER)
    assert same.status_code == 422 and same.json()["code"] == "NOTHING_TO_CORRECT"
    period = await api.post(decisions, json={"action": "correct", "reason": "核对原件",
                                             "changes": {"severity": "minor"}}, headers=CASEWORKER)
    assert period.status_code == 422 and period.json()["code"] == "NOT_CORRECTABLE"
    done = await api.post(decisions, json={"action": "correct", "reason": "核对处罚决定书原件，金额登记错误",
                                           "changes": {"fine_amount": "500"}}, headers=CASEWORKER)
    assert done.status_code == 200 and done.json()["state"] == "correcting", done.text

    case = await _until(api, made.json()["id"], applicant, "corrected")
    assert case["request"] == "objection" and case["state_label"] == "已更正"
    assert case["objection"]["ground_label"] == "信息内容有误"
    assert case["objection"]["claimed"] == [{"field": "fine_amount", "label": "罚款金额", "old": None, "new": "500.00"}]
    assert case["objection"]["corrected"] == [{"field": "fine_amount", "label": "罚款金额", "old": "5000.00",
                                               "new": "500.00"}]
    assert case["decision_no"]
    versions = (await api.get(f"/api/v1/records/{record['id']}/versions",
                              headers=token("integrator", authority=ISSUER))).json()
    assert [(v["version"], v["objection_case_id"]) for v in versions] == [(2, case_id)]
    pdf = await api.get(f"/api/v1/cases/{case_id}/decision.pdf", headers=applicant)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "异议处理决定书" in unquote(pdf.headers["content-disposition"])


async def test_a_counter_objects_to_a_denial_for_the_subject(api):
    uscc = factories.uscc()
    record = await registered(api, uscc)
    repair = await filed(api, uscc, [record["id"]])
    denied_id = repair["cases"][0]["id"]
    window = token("window", authority="320100-service_centre")
    early = await api.post("/api/v1/objections", json=_body(uscc, record["id"], ground="refusal",
                                                            refused_case_id=denied_id), headers=window)
    assert early.status_code == 422 and early.json()["code"] == "UNKNOWN_REFUSAL"  # not refused (yet)
    decisions = f"/api/v1/cases/{denied_id}/decisions"
    await api.post(decisions, json={"action": "accept"}, headers=CASEWORKER)
    await api.post(decisions, json={"action": "deny", "reason": "未提交缴款凭证"}, headers=CASEWORKER)
    await _until(api, repair["id"], token("applicant", subject=uscc), "denied")

    made = await api.post("/api/v1/objections", json=_body(uscc, record["id"], ground="refusal", claimed={},
                                                           refused_case_id=denied_id), headers=window)
    assert made.status_code == 201, made.text
    assert made.json()["cases"][0]["handler"] == ISSUER
    progress = (await api.get(f"/api/v1/applications/{made.json()['id']}", headers=window)).json()
    assert progress["channel"] == "window"
    assert progress["cases"][0]["objection"]["refused_case_id"] == denied_id
    case_id = made.json()["cases"][0]["id"]
    await api.post(f"/api/v1/cases/{case_id}/decisions", json={"action": "accept"}, headers=CASEWORKER)
    kept = await api.post(f"/api/v1/cases/{case_id}/decisions", json={"action": "keep", "reason": "凭证与罚款不符"},
                          headers=CASEWORKER)
    assert kept.status_code == 200 and kept.json()["state"] == "kept"
    await _until(api, made.json()["id"], window, "kept")
    twice = await api.post("/api/v1/objections", json=_body(uscc, record["id"], ground="refusal", claimed={},
                                                            refused_case_id=denied_id), headers=window)
    assert twice.status_code == 409 and twice.json()["code"] == "ALREADY_OBJECTED"


async def test_bad_objections_are_refused_and_nothing_is_stored(api):
    uscc = factories.uscc()
    record = await registered(api, uscc)
    other = factories.uscc()
    theirs = await registered(api, other)
    applicant = token("applicant", subject=uscc)
    before = _objections()

    async def refused(body: dict, status: int, code: str, headers: dict = applicant) -> dict:
        r = await api.post("/api/v1/objections", json=body, headers=headers)
        assert (r.status_code, r.json()["code"]) == (status, code), r.text
        return r.json()

    await refused(_body(uscc, theirs["id"]), 422, "UNKNOWN_RECORD")
    await refused(_body(other, theirs["id"]), 403, "FORBIDDEN")
    await refused(_body(uscc, record["id"], statement="  "), 422, "STATEMENT_REQUIRED")
    await refused(_body(uscc, record["id"], ground="angry"), 422, "INVALID_GROUND")
    await refused(_body(uscc, record["id"], ground="refusal"), 422, "UNKNOWN_REFUSAL")
    await refused(_body(uscc, record["id"], claimed={"severity": "minor"}), 422, "NOT_CORRECTABLE")
    await refused(_body(uscc, record["id"], claimed={"fine_amount": "五百"}), 422, "INVALID_FINE_AMOUNT")
    await refused(_body(uscc, record["id"], materials=["mat_nothing"]), 422, "UNKNOWN_MATERIAL")
    bad_phone = await refused(_body(uscc, record["id"], contact_phone="123"), 422, "INVALID_PHONE")
    assert [e["field"] for e in bad_phone["errors"]] == ["contact_phone"]
    await refused(_body(uscc, record["id"]), 403, "FORBIDDEN", headers=CASEWORKER)
    assert _objections() == before
