"""好差评 over the API: who may rate, when, once per authority; bad reviews need a comment and reach the
city's supervisors; the counts per authority by region. Also the supervision summary built from the same
store (cases per authority and state, overdue, stage times)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from config.settings import get_settings
from store.db import engine_for, session_scope
from store.models import Application, CaseEventRow, Notification, RepairCase
from tests import factories
from tests.api.conftest import token

MARKET, TAX = "320500-market_regulation", "320500-tax"


def seed(states: dict[str, str], subject: str | None = None, filed_by: str = "applicant:x",
         overdue: bool = False) -> tuple[str, str, dict[str, str]]:
    """An application of `subject` with one case per handler in the given state, written to the store
    directly (no workflow runs in these tests). Returns (application id, subject, {handler: case id})."""
    subject = subject or factories.uscc()
    app_id = "app_" + uuid.uuid4().hex[:20]
    now = datetime.now(UTC)
    case_ids = {}
    with session_scope(engine_for(get_settings().db_url)) as s:
        s.add(Application(id=app_id, subject_key=subject, subject_name="苏州某某有限公司", channel="online",
                          filed_by=filed_by, filed_by_role="applicant", contact_phone="13912345678",
                          filed_at=now, workflow_started=True))
        for handler, state in states.items():
            case_id = "case_" + uuid.uuid4().hex[:20]
            case_ids[handler] = case_id
            s.add(RepairCase(id=case_id, application_id=app_id, record_id="rec_" + case_id[5:], handler=handler,
                             handler_region=handler[:6], repair_channel="gsxt_js", state=state, overdue=overdue,
                             deadline=now.date(), updated_at=now))
            for seq, (action, hours, role) in enumerate((("file", 0, "applicant"), ("accept", 24, "caseworker"),
                                                         ("approve", 72, "caseworker"), ("repaired", 73, "system")),
                                                        start=1):
                s.add(CaseEventRow(id=f"{case_id}:{seq}", case_id=case_id, seq=seq, at=now + timedelta(hours=hours),
                                   actor_role=role, actor="x", action=action, state=state, message="."))
    return app_id, subject, case_ids


def rate(client, app_id, subject, handler=MARKET, rating=5, comment=""):
    return client.post(f"/api/v1/applications/{app_id}/evaluations",
                       json={"handler": handler, "rating": rating, "comment": comment},
                       headers=token("applicant", subject=subject))


def test_applicant_rates_each_handler_once_after_every_case_ended(client):
    app_id, subject, _ = seed({MARKET: "repaired", TAX: "denied"})
    r = rate(client, app_id, subject, MARKET, 5, "办理很快")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["rating_label"] == "非常满意" and body["bad"] is False and body["follow_up_due"] is None
    again = rate(client, app_id, subject, MARKET, 4)
    assert (again.status_code, again.json()["code"]) == (409, "ALREADY_RATED")
    assert rate(client, app_id, subject, TAX, 3).status_code == 201
    slots = client.get(f"/api/v1/applications/{app_id}/evaluations", headers=token("applicant", subject=subject))
    assert sorted((s["handler"], s["can_rate"], s["evaluation"]["rating"]) for s in slots.json()) == [
        (MARKET, False, 5), (TAX, False, 3)]


def test_rating_waits_until_every_case_has_ended(client):
    app_id, subject, _ = seed({MARKET: "repaired", TAX: "under_review"})
    r = rate(client, app_id, subject, MARKET)
    assert (r.status_code, r.json()["code"]) == (409, "NOT_FINISHED")
    slots = client.get(f"/api/v1/applications/{app_id}/evaluations", headers=token("applicant", subject=subject))
    assert [s["can_rate"] for s in slots.json()] == [False, False]


def test_bad_review_needs_a_comment_and_notifies_the_city_supervisors(client):
    app_id, subject, cases = seed({MARKET: "repaired"})
    r = rate(client, app_id, subject, MARKET, 2)
    assert (r.status_code, r.json()["code"]) == (422, "COMMENT_REQUIRED")
    assert "请填写评价意见" in r.json()["message"]
    r = rate(client, app_id, subject, MARKET, 1, "材料要求反复变化")
    assert r.status_code == 201, r.text
    assert r.json()["bad"] is True and r.json()["follow_up_due"] > datetime.now(UTC).date().isoformat()
    with session_scope(engine_for(get_settings().db_url)) as s:
        notes = s.exec(select(Notification).where(Notification.case_id == cases[MARKET])).all()
    assert [(n.recipient_role, n.recipient_scope) for n in notes] == [("supervisor", "320500")]
    assert "非常不满意" in notes[0].message


def test_invalid_rating_and_long_comment_are_refused(client):
    app_id, subject, _ = seed({MARKET: "repaired"})
    assert rate(client, app_id, subject, MARKET, 6).json()["code"] == "INVALID_RATING"
    assert rate(client, app_id, subject, MARKET, 4, "长" * 501).json()["code"] == "COMMENT_TOO_LONG"
    r = rate(client, app_id, subject, "320500-transport", 4)
    assert (r.status_code, r.json()["code"]) == (422, "UNKNOWN_HANDLER")


def test_only_the_applicant_or_the_filing_counter_may_rate(client):
    app_id, subject, _ = seed({MARKET: "repaired"}, filed_by="window:320500")
    body = {"handler": MARKET, "rating": 4}
    url = f"/api/v1/applications/{app_id}/evaluations"
    other = client.post(url, json=body, headers=token("applicant", subject=factories.uscc()))
    assert other.status_code == 404
    worker = client.post(url, json=body, headers=token("caseworker", authority=MARKET))
    assert (worker.status_code, worker.json()["code"]) == (403, "FORBIDDEN")
    other_counter = client.post(url, json=body, headers=token("window", sub="window:other"))
    assert other_counter.status_code == 404
    assert client.post(url, json=body, headers=token("window", sub="window:320500")).status_code == 201


def test_counts_per_authority_by_region(client):
    app_id, subject, _ = seed({"320600-market_regulation": "repaired", "320600-tax": "withdrawn"})
    assert rate(client, app_id, subject, "320600-market_regulation", 2, "等待太久").status_code == 201
    assert rate(client, app_id, subject, "320600-tax", 4).status_code == 201
    mine = client.get("/api/v1/evaluations", headers=token("supervisor", region="320600"))
    assert mine.status_code == 200
    by = {a["authority"]: a for a in mine.json()["authorities"]}
    assert by["320600-market_regulation"]["counts"]["2"] >= 1 and by["320600-market_regulation"]["bad"] >= 1
    assert all(a["authority"].startswith("3206") for a in mine.json()["authorities"])
    assert mine.json()["evaluations"][0]["bad"] is True  # bad reviews first
    one = client.get("/api/v1/evaluations?authority=320600-tax", headers=token("auditor"))
    assert [a["authority"] for a in one.json()["authorities"]] == ["320600-tax"]
    elsewhere = client.get("/api/v1/evaluations", headers=token("supervisor", region="320700"))
    assert not [a for a in elsewhere.json()["authorities"] if a["authority"].startswith("3206")]
    refused = client.get("/api/v1/evaluations?region=320600", headers=token("supervisor", region="320700"))
    assert refused.status_code == 403
    assert client.get("/api/v1/evaluations", headers=token("caseworker", authority=MARKET)).status_code == 403
    assert client.get("/api/v1/evaluations?region=32", headers=token("admin")).json()["code"] == "INVALID_REGION"


def test_supervision_counts_states_lists_overdue_and_times_stages(client):
    seed({"320800-market_regulation": "repaired", "320800-tax": "repaired"})
    _, _, late = seed({"320800-market_regulation": "pending_acceptance"}, overdue=True)
    r = client.get("/api/v1/supervision", headers=token("supervisor", region="320800"))
    assert r.status_code == 200, r.text
    body = r.json()
    by = {a["authority"]: a["by_state"] for a in body["authorities"]}
    assert by["320800-market_regulation"]["repaired"] >= 1 and by["320800-market_regulation"]["pending_acceptance"] >= 1
    assert late["320800-market_regulation"] in [c["id"] for c in body["overdue"]]
    stages = {s["stage"]: s for s in body["stages"]}
    assert stages["acceptance"]["mean_hours"] == 24.0 and stages["decision"]["mean_hours"] == 48.0
    assert stages["sync"]["mean_hours"] == 1.0
    assert all(a["authority"].startswith("3208") for a in body["authorities"])
    assert client.get("/api/v1/supervision", headers=token("applicant", subject=factories.uscc())).status_code == 403
