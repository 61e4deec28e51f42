from __future__ import annotations

from datetime import timedelta

from api import clock
from tests import factories
from tests.api.conftest import ADMIN, token

MR = token("integrator", authority="320100-market_regulation")


def test_register_penalty_computes_window_and_route(client):
    body = factories.record_body()
    r = client.post("/api/v1/records", json=body, headers=MR)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["min_publicity_end"] == "2026-06-10" and out["max_publicity_end"] == "2027-03-10"
    assert out["repair_channel"] == "gsxt_js" and out["handler"] == "320100-market_regulation"
    assert out["handler_name"] == "南京市市场监督管理局"
    assert out["subject"]["contact_phone_masked"] == "138****5678"
    assert "13812345678" not in r.text


def test_same_body_again_answers_same_id_and_other_body_conflicts(client):
    body = factories.record_body()
    first = client.post("/api/v1/records", json=body, headers=MR).json()
    again = client.post("/api/v1/records", json=body, headers=MR)
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    changed = client.post("/api/v1/records", json={**body, "severity": "serious"}, headers=MR)
    assert changed.status_code == 409 and changed.json()["code"] == "RECORD_CONFLICT"
    assert changed.json()["details"]["id"] == first["id"]


def test_other_departments_penalty_goes_to_credit_china(client):
    body = factories.record_body(issuer="320200-transport", record_no="锡交罚〔2026〕7号")
    r = client.post("/api/v1/records", json=body, headers=token("integrator", authority="320200-transport"))
    assert r.status_code == 201
    assert (r.json()["repair_channel"], r.json()["handler"]) == ("creditchina_js", "320200-transport")


def test_person_subject_is_masked(client):
    body = factories.record_body(subject={"id_number": factories.id_number(), "name": "张三"})
    r = client.post("/api/v1/records", json=body, headers=ADMIN)
    assert r.status_code == 201
    subject = r.json()["subject"]
    assert subject["kind"] == "person" and subject["id_number_masked"].startswith("3201") and "*" in subject[
        "id_number_masked"]
    assert factories.id_number() not in r.text


def refused(client, body, headers=MR):
    r = client.post("/api/v1/records", json=body, headers=headers)
    return r.status_code, r.json().get("code"), r.json().get("message", "")


def test_bad_input_gets_stable_code_and_chinese_message(client):
    good = factories.record_body()
    bad_uscc = good["subject"]["uscc"][:-1] + ("0" if good["subject"]["uscc"][-1] != "0" else "1")
    cases = {
        "INVALID_USCC": {**good, "subject": {**good["subject"], "uscc": bad_uscc}},
        "INVALID_ID_NUMBER": {**good, "subject": {"id_number": "320102199001011230", "name": "李四"}},
        "UNKNOWN_ISSUER": {**good, "issuer": "999999-nothing"},
        "DECIDED_IN_FUTURE": {**good, "decided_on": str(clock.today() + timedelta(days=1))},
        "INVALID_KIND": {**good, "kind": "rumour"},
        "INVALID_SEVERITY": {**good, "severity": "catastrophic"},
        "SUBJECT_KEY_REQUIRED": {**good, "subject": {"name": "无名公司"}},
        "INVALID_PHONE": {**good, "subject": {**good["subject"], "contact_phone": "12345"}},
        "UNKNOWN_PENALTY_TYPE": {**good, "penalty_types": ["打板子"]},
        "ABNORMAL_LIST_ISSUER": {**good, "kind": "abnormal_list", "issuer": "320100-tax", "penalty_types": []},
    }
    for code, body in cases.items():
        headers = ADMIN if code in ("UNKNOWN_ISSUER", "ABNORMAL_LIST_ISSUER") else MR
        status, got, message = refused(client, body, headers)
        assert (status, got) == (422, code), (code, status, got, message)
        assert message and not message.isascii(), code


def test_registering_is_for_the_issuer_only(client):
    body = factories.record_body()
    other = token("integrator", authority="320200-market_regulation")
    assert refused(client, body, other)[:2] == (403, "FORBIDDEN")
    assert refused(client, body, token("applicant", subject=body["subject"]["uscc"]))[:2] == (403, "FORBIDDEN")
    r = client.post("/api/v1/records", json=body)
    assert (r.status_code, r.json()["code"]) == (401, "UNAUTHENTICATED")
    r = client.post("/api/v1/records", json=body, headers={"Authorization": "Bearer not-a-token"})
    assert (r.status_code, r.json()["code"]) == (401, "INVALID_TOKEN")
    nothing_written = client.get(f"/api/v1/subjects/{body['subject']['uscc']}/records", headers=ADMIN)
    assert nothing_written.json() == []


def test_batch_answers_each_row_and_one_bad_row_sinks_nothing(client):
    good = [factories.record_body() for _ in range(3)]
    bad_uscc = factories.record_body(subject={"uscc": "91320100MA1XXXXXX0", "name": "某公司"})
    other_issuer = factories.record_body(issuer="320200-market_regulation")  # not MR's to register
    future = factories.record_body(decided_on=str(clock.today() + timedelta(days=2)))
    rows = [good[0], bad_uscc, good[1], other_issuer, {"kind": "penalty"}, future, good[2], good[0]]
    r = client.post("/api/v1/records/batch", json={"records": rows}, headers=MR)
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["created"], out["existing"], out["failed"]) == (3, 1, 4)
    by_index = {row["index"]: row for row in out["results"]}
    assert [by_index[i]["status"] for i in range(len(rows))] == [
        "created", "error", "created", "error", "error", "error", "created", "existing"]
    assert by_index[1]["code"] == "INVALID_USCC" and "校验" in by_index[1]["message"]
    assert by_index[3]["code"] == "FORBIDDEN"
    assert by_index[4]["code"] == "MISSING_FIELD"
    assert by_index[5]["code"] == "DECIDED_IN_FUTURE"
    assert by_index[7]["id"] == by_index[0]["id"]
    for i in (0, 2, 6):  # the good rows are stored
        assert client.get(f"/api/v1/subjects/{rows[i]['subject']['uscc']}/records", headers=ADMIN).json()


def test_batch_is_bounded(client):
    r = client.post("/api/v1/records/batch", json={"records": [factories.record_body()] * 1001}, headers=MR)
    assert r.status_code == 422
    assert client.post("/api/v1/records/batch", json={"records": []}, headers=MR).status_code == 422


def test_a_fine_paid_later_is_confirmed_by_the_issuer_and_the_record_becomes_repairable(client):
    """Issue 11: a record registered with its fine unpaid can become repairable; only its issuer confirms it,
    not a day in the future, and a second confirmation changes nothing."""
    uscc = factories.uscc()
    body = factories.record_body(obligations_fulfilled=False, decided_on=str(clock.today() - timedelta(days=200)),
                                 subject={"uscc": uscc, "name": "南京某某有限公司"})
    record = client.post("/api/v1/records", json=body, headers=MR).json()
    applicant = token("applicant", subject=uscc)

    def mine() -> dict:
        (row,) = [r for r in client.get(f"/api/v1/subjects/{uscc}/records", headers=applicant).json()
                  if r["id"] == record["id"]]
        return row

    assert "OBLIGATIONS_UNFULFILLED" in mine()["eligibility"]["reason_codes"] and mine()["needs_proof"]
    url = f"/api/v1/records/{record['id']}/obligations-fulfilled"
    today = clock.today()
    other = client.post(url, json={"fulfilled_on": str(today)}, headers=token("integrator", authority="320100-tax"))
    assert (other.status_code, other.json()["code"]) == (404, "NOT_FOUND")
    future = client.post(url, json={"fulfilled_on": str(today + timedelta(days=1))}, headers=MR)
    assert (future.status_code, future.json()["code"]) == (422, "FULFILLED_IN_FUTURE")
    assert "OBLIGATIONS_UNFULFILLED" in mine()["eligibility"]["reason_codes"]  # nothing stored
    confirmed = client.post(url, json={"fulfilled_on": str(today)}, headers=MR)
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["obligations_confirmed_on"] == str(today)
    assert mine()["eligibility"]["eligible"] and not mine()["needs_proof"]
    again = client.post(url, json={"fulfilled_on": str(today - timedelta(days=3))}, headers=MR)
    assert again.status_code == 200 and again.json()["obligations_confirmed_on"] == str(today)
    applied = client.post("/api/v1/applications", json={"subject": uscc, "record_ids": [record["id"]],
                                                        "contact_phone": "13912345678", "commitment_signed": True},
                          headers=applicant)
    assert applied.status_code == 201, applied.text  # no proof asked: the issuer's data says it is paid
