from __future__ import annotations

from datetime import timedelta

from api import clock
from domain.periods import add_months
from tests import factories
from tests.api.conftest import ADMIN, token


def register(client, **over):
    r = client.post("/api/v1/records", json=factories.record_body(**over), headers=ADMIN)
    assert r.status_code == 201, r.text
    return r.json()


def test_subject_sees_every_record_with_eligibility(client):
    uscc = factories.uscc(4242)
    subject = {"uscc": uscc, "name": "苏州某某科技有限公司"}
    today = clock.today()
    recent_on = today - timedelta(days=25)
    old = register(client, subject=subject, decided_on=str(add_months(today, -6)))
    recent = register(client, subject=subject, issuer="320500-transport", decided_on=str(recent_on))
    listed = register(client, subject=subject, kind="serious_list", issuer="320000-tax", severity="serious",
                      decided_on=str(add_months(today, -18)), penalty_types=[])
    expired = register(client, subject=subject, decided_on=str(add_months(today, -13)))
    r = client.get(f"/api/v1/subjects/{uscc}/records", headers=token("applicant", subject=uscc))
    assert r.status_code == 200
    by_id = {rec["id"]: rec for rec in r.json()}
    assert set(by_id) == {old["id"], recent["id"], listed["id"], expired["id"]}
    assert by_id[old["id"]]["eligibility"]["eligible"] is True
    e = by_id[recent["id"]]["eligibility"]
    assert e["eligible"] is False and e["reason_codes"] == ["MIN_PERIOD_NOT_OVER"]
    opens = add_months(recent_on, 3) + timedelta(days=1)
    assert e["eligible_from"] == str(opens)
    assert f"{opens.year}年{opens.month}月{opens.day}日起可申请修复" in e["reasons"][0]
    assert by_id[listed["id"]]["eligibility"]["eligible"] is True
    assert by_id[expired["id"]]["eligibility"]["reason_codes"] == ["PUBLICATION_ENDED"]


def test_caseworker_sees_only_what_is_routed_to_them(client):
    uscc = factories.uscc(4343)
    subject = {"uscc": uscc, "name": "无锡某某物流有限公司"}
    mine = register(client, subject=subject, issuer="320200-transport")
    register(client, subject=subject, issuer="320200-market_regulation")
    r = client.get(f"/api/v1/subjects/{uscc}/records", headers=token("caseworker", authority="320200-transport"))
    assert [rec["id"] for rec in r.json()] == [mine["id"]]
    r = client.get(f"/api/v1/subjects/{uscc}/records", headers=token("caseworker", authority="320300-transport"))
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"
    assert len(client.get(f"/api/v1/subjects/{uscc}/records", headers=token("window")).json()) == 2
    supervisor = token("supervisor", region="320200")
    assert len(client.get(f"/api/v1/subjects/{uscc}/records", headers=supervisor).json()) == 2


def test_applicant_of_another_subject_gets_404(client):
    uscc = factories.uscc(4444)
    register(client, subject={"uscc": uscc, "name": "常州某某有限公司"})
    r = client.get(f"/api/v1/subjects/{uscc}/records", headers=token("applicant", subject=factories.uscc(1)))
    assert r.status_code == 404


def test_invalid_subject_key(client):
    r = client.get("/api/v1/subjects/91320100MA1XXXXXX0/records", headers=ADMIN)
    assert (r.status_code, r.json()["code"]) == (422, "INVALID_SUBJECT")
