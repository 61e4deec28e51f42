"""Repair decisions' numbers, on SQLite and on PostgreSQL (tests/store/conftest.py): one per case, counted
per handler and year from 1, none skipped and none given twice when twenty are taken at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from store import decision_numbers
from store.db import make_engine
from store.migrate import upgrade
from store.models import DecisionNumber

HANDLER, PREFIX = "320100-market_regulation", "宁市监信修决"


@pytest.fixture
def engine(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def take(engine, case_id: str, handler: str = HANDLER, year: int = 2026) -> DecisionNumber:
    return decision_numbers.allocate(engine, case_id=case_id, handler=handler, year=year, prefix=PREFIX)


def at_once(calls: list[Callable[[], DecisionNumber]]) -> list[DecisionNumber]:
    """Runs the calls from as many threads, released together; any thread's failure fails the test."""
    barrier = threading.Barrier(len(calls))
    results: list[DecisionNumber] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], DecisionNumber]) -> None:
        barrier.wait()
        try:
            results.append(call())
        except BaseException as exc:  # noqa: BLE001 - reported below, from the test's own thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


def test_twenty_cases_numbered_at_once_take_one_to_twenty(engine):
    taken = at_once([lambda i=i: take(engine, f"case_{i:02d}") for i in range(20)])
    assert sorted(n.seq for n in taken) == list(range(1, 21))
    assert len({n.case_id for n in taken}) == 20
    assert {n.doc_no for n in taken} == {f"宁市监信修决〔2026〕第{seq}号" for seq in range(1, 21)}
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from decision_number")).scalar() == 20
        assert conn.execute(sa.text("select last_seq from decision_counter")).scalar() == 20


def test_a_case_numbered_again_keeps_its_number_even_at_the_same_moment(engine):
    first = take(engine, "case_a")
    assert take(engine, "case_a") == first  # a retried activity, a second rendering
    racing = at_once([lambda: take(engine, "case_b") for _ in range(6)])
    assert {n.seq for n in racing} == {first.seq + 1}
    assert take(engine, "case_c").seq == first.seq + 2  # the racers' rolled-back increments left no gap


def test_each_handler_and_year_counts_from_one(engine):
    take(engine, "case_a")
    take(engine, "case_b")
    assert take(engine, "case_c", year=2027).seq == 1
    tax = decision_numbers.allocate(engine, case_id="case_d", handler="320100-tax", year=2026, prefix="宁税信修决")
    assert (tax.seq, tax.doc_no) == (1, "宁税信修决〔2026〕第1号")
