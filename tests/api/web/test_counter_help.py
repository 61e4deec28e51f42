"""The counter's help for a walk-in, below the pages: the lookup's grant (api/web/counter_grant.py), the
receipt's next steps (api/web/receipt_steps.py), the clerk's name carried by a token, and the demo data's
subject for the clerk (config/demo.yaml)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import yaml
from starlette.requests import Request

from api.auth import decode_token, issue_token
from api.schemas import CasePublic
from api.web import counter_grant
from api.web.oidc import principal_from_claims
from api.web.receipt_steps import next_steps
from api.web.session import SESSION_COOKIE
from api.web.window import clerk_name
from config.rules import rules_for
from config.settings import get_settings
from domain.access import Principal
from domain.identifiers import subject_kinds
from domain.model import Role

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
CLERK = Principal(sub="window:nj-21", role=Role.WINDOW, name="李静")


def _request(session_cookie: str) -> Request:
    headers = [(b"cookie", f"{SESSION_COOKIE}={session_cookie}".encode())] if session_cookie else []
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "query_string": b""})


def test_a_grant_vouches_for_its_application_clerk_and_session_only_and_lapses():
    settings = get_settings()
    mine = _request("session-a")
    token = counter_grant.grant(settings, mine, CLERK, "app_1", NOW)
    assert counter_grant.vouched_for(settings, mine, CLERK, "app_1", token, NOW) == "app_1"
    later = NOW + counter_grant.GRANT_TTL + timedelta(seconds=1)
    refused = [
        counter_grant.vouched_for(settings, mine, CLERK, "app_2", token, NOW),  # another application
        counter_grant.vouched_for(settings, _request("session-b"), CLERK, "app_1", token, NOW),  # another session
        counter_grant.vouched_for(settings, _request(""), CLERK, "app_1", token, NOW),  # no session
        counter_grant.vouched_for(settings, mine, Principal(sub="window:nj-22", role=Role.WINDOW), "app_1", token,
                                  NOW),  # another clerk
        counter_grant.vouched_for(settings, mine, CLERK, "app_1", token, later),  # too late
        counter_grant.vouched_for(settings, mine, CLERK, "app_1", str(int(later.timestamp())) + token[10:], NOW),
        counter_grant.vouched_for(settings, mine, CLERK, "app_1", "", NOW),
        counter_grant.vouched_for(settings, mine, CLERK, "app_1", "１２.ａｂ", NOW),  # full-width digits
    ]
    assert refused == [None] * len(refused)


def _case(state: str, deadline: date | None, kind: str | None) -> CasePublic:
    return CasePublic(id="case_1", application_id="app_1", record_id="rec_1", record_no="宁市监罚〔2026〕1号",
                      record_kind="penalty", handler="320100-market_regulation", handler_name="南京市市场监督管理局",
                      repair_channel="handler", state=state, state_label="-", deadline_kind=kind, deadline=deadline,
                      provisional=False, overdue=False, shielded=False)


def test_the_receipt_says_each_step_and_its_day_as_the_rules_give_them():
    rules = rules_for(ROOT / "config")
    limits = rules.policy.time_limits
    steps = next_steps(_case("pending_acceptance", date(2026, 12, 8), "acceptance"), rules)
    assert [s.what for s in steps] == ["受理", "审核决定"]
    assert steps[0].text == "南京市市场监督管理局于2026年12月8日前作出是否受理的决定。"
    expected = rules.calendar.add_workdays(date(2026, 12, 8), limits.decision).due
    assert f"受理后{limits.decision}个工作日内" in steps[1].text
    assert f"预计{expected.year}年{expected.month}月{expected.day}日前" in steps[1].text
    assert f"可延长{limits.extension}个工作日" in steps[1].text
    review = next_steps(_case("under_review", date(2026, 12, 17), "decision"), rules)
    assert [s.what for s in review] == ["审核决定"] and "延长" not in review[0].text
    assert next_steps(_case("supplement_requested", None, None), rules)[0].what == "补正材料"


def test_the_clerk_is_named_and_an_unnamed_filing_says_so():
    assert clerk_name("王晓敏", "demo-window") == "王晓敏"
    assert clerk_name(None, "window:nj-07") == "未登记姓名（账号 window:nj-07）"


def test_a_name_travels_with_the_token_and_the_identity_services_claims():
    settings = get_settings()
    assert decode_token(settings, issue_token(settings, CLERK)).name == "李静"
    assert decode_token(settings, issue_token(settings, Principal(sub="x", role=Role.ADMIN))).name is None
    claims = {"sub": "u1", settings.oidc_role_claim: "window", "name": "周敏"}
    assert principal_from_claims(claims, settings).name == "周敏"


def test_the_demo_clerk_has_a_name_and_a_subject_of_its_own_to_file_for():
    demo = yaml.safe_load((ROOT / "config" / "demo.yaml").read_text("utf-8"))
    people = {d["key"]: d for d in demo["identities"]}
    window = people["window"]
    assert window["name"] and window["name"] in window["label"]
    theirs = {r["subject"]["uscc"] for r in demo["records"]} - {people["applicant"]["subject"]}
    assert len(theirs) == 1
    uscc = theirs.pop()
    assert subject_kinds(uscc) and uscc in window["note"]  # the login page says what to type
    records = [r for r in demo["records"] if r["subject"]["uscc"] == uscc]
    policy = yaml.safe_load((ROOT / "config" / "policy.yaml").read_text("utf-8"))
    min_months = policy["periods"]["general"]["min_months"]
    assert len(records) == 2 and all(r["severity"] == "general" and r["months_ago"] > min_months for r in records)
    assert all(r["penalty_types"] == ["警告"] or r.get("obligations_fulfilled") for r in records)  # no proof needed
