"""The supervision and evaluation queries on SQLite and PostgreSQL: counts and means come from the
database (the stage times use each dialect's own date arithmetic)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from store import evaluations, supervision
from store.db import make_engine, session_scope
from store.migrate import upgrade
from store.models import CaseEventRow, Evaluation, RepairCase

T0 = datetime(2026, 5, 11, 9, 0, tzinfo=UTC)


def case(case_id: str, handler: str, state: str, overdue: bool = False) -> RepairCase:
    return RepairCase(id=case_id, application_id="app_" + case_id, record_id="rec_" + case_id, handler=handler,
                      handler_region=handler[:6], repair_channel="gsxt_js", state=state, overdue=overdue,
                      deadline=date(2026, 5, 14), updated_at=T0)


def events(case_id: str, *steps: tuple[str, float]) -> list[CaseEventRow]:
    return [CaseEventRow(id=f"{case_id}:{i}", case_id=case_id, seq=i, at=T0 + timedelta(hours=h), actor_role="system",
                         actor="x", action=a, state="x", message=".") for i, (a, h) in enumerate(steps, start=1)]


@pytest.fixture
def engine(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        s.add_all([case("c1", "320100-tax", "repaired"), case("c2", "320100-tax", "denied"),
                   case("c3", "320100-transport", "pending_acceptance", overdue=True),
                   case("c4", "320200-tax", "repaired"), case("c5", "320100-tax", "approved", overdue=True)])
        s.add_all(events("c1", ("file", 0), ("accept", 10), ("approve", 30), ("repaired", 31)))
        s.add_all(events("c2", ("file", 0), ("accept", 20), ("deny", 60)))
        s.add_all(events("c4", ("file", 0), ("accept", 100)))
        for i, (handler, rating) in enumerate([("320100-tax", 5), ("320100-tax", 1), ("320100-tax", 5),
                                               ("320200-tax", 2)]):
            s.add(Evaluation(id=f"ev{i}", application_id=f"app{i}", handler=handler, handler_region=handler[:6],
                             rating=rating, rated_by="a", rated_by_role="applicant", rated_at=T0 + timedelta(hours=i)))
    yield engine
    engine.dispose()


def test_cases_by_handler_and_state_and_overdue(engine):
    with Session(engine) as s:
        assert sorted(supervision.cases_by_handler_and_state(s, "3201")) == [
            ("320100-tax", "approved", 1), ("320100-tax", "denied", 1), ("320100-tax", "repaired", 1),
            ("320100-transport", "pending_acceptance", 1)]
        assert len(supervision.cases_by_handler_and_state(s)) == 5
        assert [c.id for c in supervision.overdue(s, ["pending_acceptance", "under_review"], "3201")] == ["c3"]


def test_stage_time_is_the_mean_over_cases_that_reached_both_events(engine):
    with Session(engine) as s:
        took = supervision.stage_time(s, "file", ["accept"], "3201")
        assert took.cases == 2 and took.mean_seconds == pytest.approx(15 * 3600)
        decided = supervision.stage_time(s, "accept", ["approve", "deny"], "3201")
        assert decided.cases == 2 and decided.mean_seconds == pytest.approx(30 * 3600)
        assert supervision.stage_time(s, "file", ["accept"]).mean_seconds == pytest.approx(130 / 3 * 3600)
        none = supervision.stage_time(s, "approve", ["repaired"], "3202")
        assert none.cases == 0 and none.mean_seconds is None


def test_rating_counts_and_bad_reviews_first(engine):
    with Session(engine) as s:
        assert evaluations.counts(s, region_prefix="3201") == {"320100-tax": {5: 2, 1: 1}}
        assert evaluations.counts(s, authority="320200-tax") == {"320200-tax": {2: 1}}
        assert [e.id for e in evaluations.recent(s, region_prefix="3201")] == ["ev1", "ev2", "ev0"]


def test_a_second_rating_of_the_same_handler_is_refused(engine):
    row = dict(application_id="app0", handler="320100-tax", handler_region="320100", rating=4, rated_by="a",
               rated_by_role="applicant", rated_at=T0)
    with pytest.raises(evaluations.AlreadyRated), session_scope(engine) as s:
        evaluations.add(s, Evaluation(id="ev_again", **row))
