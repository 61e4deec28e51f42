"""The batched reads of store/progress.py on SQLite and PostgreSQL: the join keeps cases without a record,
the UNION ALL of events and acknowledgements keeps each case's own, in time order, of the asked action."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from store import progress
from store.db import make_engine, session_scope
from store.migrate import upgrade
from store.models import Application, CaseEventRow, CreditRecord, RepairCase, SyncDelivery

T0 = datetime(2026, 5, 11, 9, 0, tzinfo=UTC)


def record(record_id: str, no: str) -> CreditRecord:
    return CreditRecord(id=record_id, issuer="320100-tax", record_no=no, kind="penalty", severity="general",
                        decided_on=date(2025, 6, 1), subject_key="91320100MA1XXXXX0X", subject_kind="enterprise",
                        subject_name="南京某某有限公司", min_publicity_end=date(2025, 9, 1),
                        max_publicity_end=date(2026, 6, 1), eligible_from=date(2025, 9, 2),
                        repair_channel="creditchina_js", handler="320100-tax", body_hash="", registered_at=T0,
                        registered_by="t")


def case(case_id: str, app_id: str, record_id: str, handler: str, due: date | None) -> RepairCase:
    return RepairCase(id=case_id, application_id=app_id, record_id=record_id, handler=handler,
                      handler_region=handler[:6], repair_channel="creditchina_js", state="under_review", deadline=due,
                      updated_at=T0)


@pytest.fixture
def engine(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        s.add(Application(id="app1", subject_key="91320100MA1XXXXX0X", subject_name="南京某某有限公司",
                          channel="online", filed_by="a", filed_by_role="applicant", contact_phone="13912345678",
                          filed_at=T0))
        s.add(Application(id="empty", subject_key="91320100MA1XXXXX0X", subject_name="南京某某有限公司",
                          channel="online", filed_by="a", filed_by_role="applicant", contact_phone="13912345678",
                          filed_at=T0))
        s.add_all([record("r1", "宁税罚〔2025〕1号"), record("r2", "宁税罚〔2025〕2号")])
        s.add_all([case("c2", "app1", "r2", "320100-tax", date(2026, 5, 20)),
                   case("c1", "app1", "r1", "320100-tax", date(2026, 5, 14)),
                   case("c3", "app1", "gone", "320200-tax", None)])
        for case_id, steps in (("c1", [("file", 0), ("accept", 5), ("note", 5)]), ("c2", [("file", 1)])):
            # c1's seq 3 and 2 share a time: seq orders them
            s.add_all([CaseEventRow(id=f"{case_id}:{i}", case_id=case_id, seq=i, at=T0 + timedelta(hours=h),
                                    actor_role="system", actor="x", action=a, state="x", message=f"{a}消息",
                                    reason="理由" if a == "note" else "")
                       for i, (a, h) in enumerate(steps, start=1)])
        for target, minutes in (("b_site", 3), ("a_site", 3), ("c_site", 1)):
            s.add(SyncDelivery(id=f"c1:{target}:repair", case_id="c1", target=target, target_name=target.upper(),
                               ack_id="x", acknowledged_at=T0 + timedelta(minutes=minutes)))
        s.add(SyncDelivery(id="c1:a_site:shield", case_id="c1", target="a_site", target_name="A_SITE", ack_id="x",
                           acknowledged_at=T0, action="shield"))
    yield engine
    engine.dispose()


def test_an_application_with_its_cases_and_their_records_in_one_read(engine):
    with Session(engine) as s:
        app, lines = progress.application_cases(s, "app1")
        assert app.id == "app1"
        assert [(line.case.id, line.record_no, line.record_kind) for line in lines] == [
            ("c1", "宁税罚〔2025〕1号", "penalty"), ("c2", "宁税罚〔2025〕2号", "penalty"), ("c3", "", "")]
        assert progress.application_cases(s, "empty")[1] == []
        assert progress.application_cases(s, "nothing") is None


def test_events_and_acknowledgements_of_every_case_in_one_read(engine):
    with Session(engine) as s:
        details = progress.details_of(s, ["c1", "c2", "c3", "c1"])
    assert [(e.action, e.message, e.reason) for e in details.timeline["c1"]] == [
        ("file", "file消息", ""), ("accept", "accept消息", ""), ("note", "note消息", "理由")]
    assert [e.action for e in details.timeline["c2"]] == ["file"]
    assert details.timeline["c1"][0].at.replace(tzinfo=UTC) == T0
    assert [(d.target, d.target_name) for d in details.acks["c1"]] == [
        ("c_site", "C_SITE"), ("a_site", "A_SITE"), ("b_site", "B_SITE")]  # by time, then site; no shield
    assert details.acks.get("c2") is None and details.timeline.get("c3") is None
    with Session(engine) as s:
        assert [d.target for d in progress.details_of(s, ["c1"], action="shield").acks["c1"]] == ["a_site"]
        assert progress.details_of(s, []).timeline == {}


def test_the_queue_soonest_deadline_first_with_records(engine):
    with Session(engine) as s:
        tax = progress.queue(s, handler="320100-tax")
        region = progress.queue(s, region_prefix="3202")
        every = progress.queue(s, limit=2)
    assert [(line.case.id, line.record_no) for line in tax] == [
        ("c1", "宁税罚〔2025〕1号"), ("c2", "宁税罚〔2025〕2号")]
    assert [(line.case.id, line.record_no) for line in region] == [("c3", "")]
    assert len(every) == 2
