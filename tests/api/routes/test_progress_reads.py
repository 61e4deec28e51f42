"""The reads people wait on, counted in SQL statements: an application's progress (API, page, the page's
live fragment) in at most two, and the queue (API, workbench) in as many for 1 case as for 50. The JSON is
compared with what the one-case-at-a-time reads answered before, field for field.

The rows are written to the store directly (no workflow runs here), and the app is driven without its
lifespan, so the outbox sweep cannot add a statement to the count."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from api.cases_view import application_public
from api.main import create_app
from api.web.session import session_token
from config.rules import rules_for
from config.settings import get_settings
from domain.access import Principal
from domain.identifiers import shown_subject_key
from domain.model import Role
from domain.transitions import STATE_LABELS, CaseState
from services.commands import RecordCreate
from services.registering import register
from store import cases as store_cases
from store import decision_numbers
from store.db import engine_for, session_scope
from store.migrate import upgrade
from store.models import Application, CaseEventRow, CreditRecord, RepairCase, SyncDelivery
from tests import factories
from tests.api.conftest import token

# An authority no other test files cases for, so the queue holds exactly the cases made here.
QUEUE_HANDLER = "321300-ecology_environment"
SITES = [(f"site_{n:02d}", f"第{n}号信用网站") for n in range(16)]
WHEN = TypeAdapter(datetime)


@pytest.fixture(scope="module")
def quiet():
    """The app without its lifespan: no outbox sweep reading the store while statements are counted."""
    upgrade(get_settings().db_url)
    return TestClient(create_app())


@contextmanager
def counted() -> Iterator[list[str]]:
    engine = engine_for(get_settings().db_url)
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def reads(seen: list[str]) -> list[str]:
    """The statements of the read itself: a page's session check (revoked sessions) is not the progress."""
    return [s for s in seen if "revoked_session" not in s]


def filed(states: list[tuple[str, str]], subject: str | None = None) -> tuple[str, str]:
    """An application with one case per (handler, state), each on a registered record, with the events
    and acknowledgements a case in that state has: 21 events and 16 acknowledgements once repaired."""
    settings = get_settings()
    rules = rules_for(settings.config_dir)
    subject = subject or factories.uscc()
    now = datetime.now(UTC)
    app_id = "app_" + uuid.uuid4().hex[:20]
    with session_scope(engine_for(settings.db_url)) as s:
        rows = []
        for handler, _ in states:
            body = factories.record_body(issuer=handler, decided_on="2025-06-10",
                                         subject={"uscc": subject, "name": "宿迁某某有限公司"})
            rows.append(register(s, rules, Principal("admin", Role.ADMIN), RecordCreate(**body), now.date(), now)[0])
        cases = [RepairCase(id="case_" + uuid.uuid4().hex[:20], application_id=app_id, record_id=row.id,
                            handler=row.handler, handler_region=rules.directory.get(row.handler).region,
                            repair_channel=row.repair_channel, state=state, deadline=now.date() + timedelta(days=i),
                            deadline_kind="decision", updated_at=now)
                 for i, (row, (_, state)) in enumerate(zip(rows, states, strict=True))]
        store_cases.file_application(s, Application(
            id=app_id, subject_key=subject, subject_name="宿迁某某有限公司", channel="online", filed_by="applicant:t",
            filed_by_role="applicant", contact_phone="13912345678", filed_at=now, workflow_started=True), cases)
        for case in cases:
            steps = [("file", "申请已提交", "")]
            if case.state == "denied":
                steps += [("accept", "已受理", ""), ("deny", "不予修复", "未履行行政处罚决定")]
            elif case.state != "pending_acceptance":
                steps += [("accept", "已受理", "")]
            if case.state == "repaired":
                steps += [("approve", "同意修复", ""), ("sync", "正在同步", "")]
                steps += [("sync_ack", f"{name}已确认撤下该信息", "") for _, name in SITES]
                steps += [("repaired", "信用修复完成", "")]
            for seq, (action, message, reason) in enumerate(steps, start=1):
                # the acks' minutes run backwards: the timeline is ordered by time, not by seq alone
                at = now + timedelta(hours=seq) - timedelta(minutes=seq % 3)
                s.add(CaseEventRow(id=f"{case.id}:{seq}", case_id=case.id, seq=seq, at=at, actor_role="system",
                                   actor="x", action=action, state=case.state, message=message, reason=reason))
            if case.state == "repaired":
                for n, (code, name) in enumerate(reversed(SITES)):
                    store_cases.save_ack(s, case_id=case.id, target=code, target_name=name, ack_id=f"a{n}",
                                         acknowledged_at=now + timedelta(minutes=n % 5))
                s.add(SyncDelivery(id=f"{case.id}:{SITES[0][0]}:shield", case_id=case.id, target=SITES[0][0],
                                   target_name=SITES[0][1], ack_id="s", acknowledged_at=now, action="shield"))
    for case in cases:
        if case.state == "repaired":  # numbered when approved (the case workflow renders its decision)
            decision_numbers.allocate(engine_for(settings.db_url), case_id=case.id, handler=case.handler,
                                      year=now.year, prefix="宿市监信修决")
    return app_id, subject


def one_case_at_a_time(app_id: str, with_details: bool = True) -> dict:
    """The progress as it was read before (a query per case for the record, the events and the acks),
    kept here as the reference the batched reads must answer field for field."""
    rules = rules_for(get_settings().config_dir)
    with session_scope(engine_for(get_settings().db_url)) as s:
        app = s.get(Application, app_id)
        cases = []
        for case in store_cases.cases_of(s, app_id):
            record = s.get(CreditRecord, case.record_id)
            out = {"id": case.id, "application_id": case.application_id, "record_id": case.record_id,
                   "record_no": record.record_no if record else "", "record_kind": record.kind if record else "",
                   "handler": case.handler, "handler_name": rules.directory.name_of(case.handler),
                   "repair_channel": case.repair_channel, "track": case.track,
                   "handled_in": case.handled_in, "handled_in_name": None, "state": case.state,
                   "state_label": STATE_LABELS[CaseState(case.state)], "deadline_kind": case.deadline_kind,
                   "deadline": case.deadline.isoformat() if case.deadline else None,
                   "provisional": case.provisional, "overdue": case.overdue, "shielded": case.shielded,
                   "deliveries": [], "timeline": [], "decision_no": None, "request": case.request,
                   "objection": None}
            if with_details:
                acks = sorted(store_cases.acks_of(s, [case.id]), key=lambda d: (d.acknowledged_at, d.target))
                out["deliveries"] = [{"target": d.target, "target_name": d.target_name,
                                      "acknowledged_at": WHEN.dump_python(d.acknowledged_at, mode="json")}
                                     for d in acks]
                out["timeline"] = [{"at": WHEN.dump_python(e.at, mode="json"), "actor_role": e.actor_role,
                                    "action": e.action, "message": e.message, "reason": e.reason}
                                   for e in store_cases.events_of(s, [case.id])]
                number = decision_numbers.get(s, case.id)
                out["decision_no"] = number.doc_no if number else None
            cases.append(out)
        return {"id": app.id, "query_code": app.query_code or "", "subject": shown_subject_key(app.subject_key),
                "subject_name": app.subject_name,
                "channel": app.channel, "filed_at": WHEN.dump_python(app.filed_at, mode="json"),
                "closed": app.closed_at is not None, "cases": cases, "restructuring": None}


def signed_in(client: TestClient, role: str, **scope: str) -> TestClient:
    client.cookies.clear()
    client.cookies.set("xiufu_session", session_token(get_settings(), Principal(sub=f"{role}:t", role=Role(role),
                                                                                 **scope)))
    return client


def test_the_progress_of_three_cases_is_read_in_two_queries_with_the_same_json(quiet):
    app_id, subject = filed([("321300-market_regulation", "repaired"), ("321300-tax", "under_review"),
                             ("321300-transport", "denied")])
    with counted() as seen:
        r = quiet.get(f"/api/v1/applications/{app_id}", headers=token("applicant", subject=subject))
    assert r.status_code == 200, r.text
    assert len(seen) <= 2, seen
    body = r.json()
    assert body == one_case_at_a_time(app_id)
    repaired = body["cases"][[c["state"] for c in body["cases"]].index("repaired")]
    assert len(repaired["timeline"]) == 21 and len(repaired["deliveries"]) == 16
    assert repaired["decision_no"].startswith("宿市监信修决〔")
    assert [e["at"] for e in repaired["timeline"]] == sorted(e["at"] for e in repaired["timeline"])


def test_the_progress_page_and_its_live_fragment_read_the_progress_in_two_queries(quiet):
    app_id, subject = filed([("321300-market_regulation", "repaired"), ("321300-tax", "under_review")])
    signed_in(quiet, "applicant", subject=subject)
    with counted() as seen:
        fragment = quiet.get(f"/applications/{app_id}/cases")
    assert fragment.status_code == 200 and fragment.headers["X-Xiufu-Open"] == "1"
    assert len(reads(seen)) <= 2, seen
    with counted() as seen:
        page = quiet.get(f"/applications/{app_id}")
    assert page.status_code == 200 and "第0号信用网站" in page.text
    # the progress in two, the rating slots read the application's evaluations: one more, and for the repaired
    # case the sites' last reconciliation and where they still showed it: two more
    assert len(reads(seen)) <= 5, seen


def test_who_may_not_see_an_application_gets_404_from_the_same_reads(quiet):
    app_id, _ = filed([("321300-tax", "under_review")])
    other = token("applicant", subject=factories.uscc())
    with counted() as seen:
        r = quiet.get(f"/api/v1/applications/{app_id}", headers=other)
    assert (r.status_code, r.json()["code"]) == (404, "NOT_FOUND")
    assert len(seen) == 1, seen  # refused before the timelines are read
    missing = quiet.get("/api/v1/applications/app_nothing_here", headers=token("admin"))
    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_FOUND")


def test_the_queue_costs_as_many_queries_for_fifty_cases_as_for_one(quiet):
    caseworker = token("caseworker", authority=QUEUE_HANDLER)
    supervisor = token("supervisor", region="321300")
    filed([(QUEUE_HANDLER, "pending_acceptance")])
    counts: dict[str, list[int]] = {"caseworker": [], "supervisor": [], "admin": [], "workbench": []}
    sizes = []
    for more in (0, 49):
        for _ in range(more // 7):
            filed([(QUEUE_HANDLER, "under_review")] * 7)
        for who, headers in (("caseworker", caseworker), ("supervisor", supervisor), ("admin", token("admin"))):
            with counted() as seen:
                r = quiet.get("/api/v1/cases", headers=headers)
            assert r.status_code == 200, r.text
            counts[who].append(len(seen))
            if who == "caseworker":
                sizes.append(len(r.json()))
        signed_in(quiet, "caseworker", authority=QUEUE_HANDLER)
        with counted() as seen:
            page = quiet.get("/workbench")
        assert page.status_code == 200
        counts["workbench"].append(len(reads(seen)))
    assert sizes[1] - sizes[0] == 49
    for who, (one, fifty) in counts.items():
        assert one == fifty <= 1, (who, counts)


def test_the_queue_answers_the_same_json(quiet):
    app_id, _ = filed([(QUEUE_HANDLER, "repaired")])
    queue = quiet.get("/api/v1/cases", headers=token("caseworker", authority=QUEUE_HANDLER)).json()
    (mine,) = [c for c in queue if c["application_id"] == app_id]
    (expected,) = one_case_at_a_time(app_id, with_details=False)["cases"]
    assert mine == expected
    assert [c["deadline"] for c in queue] == sorted(c["deadline"] for c in queue)


def test_a_progress_of_cases_already_read_costs_two_more_queries(quiet):
    """After a withdrawal and on the counter's receipt the cases are read first: their records, timelines
    and acknowledgements then cost two statements, not three a case."""
    app_id, _ = filed([("321300-market_regulation", "repaired"), ("321300-tax", "denied"),
                       ("321300-transport", "pending_acceptance")])
    rules = rules_for(get_settings().config_dir)
    with session_scope(engine_for(get_settings().db_url)) as s:
        app, cases = s.get(Application, app_id), store_cases.cases_of(s, app_id)
        with counted() as seen:
            view = application_public(s, rules, app, cases)
    assert len(seen) == 2, seen
    assert view.model_dump(mode="json") == one_case_at_a_time(app_id)
