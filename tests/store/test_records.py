from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from store import records
from store.db import make_engine, session_scope
from store.migrate import downgrade, upgrade
from store.models import CreditRecord
from tests import factories


def row(**over) -> CreditRecord:
    values = dict(
        id="rec_" + factories.uscc().lower()[:10], issuer="320100-market_regulation", record_no="宁市监罚〔2026〕1号",
        kind="penalty", severity="general", decided_on=date(2026, 3, 10), subject_key=factories.uscc(1),
        subject_kind="enterprise", subject_name="南京测试有限公司", penalty_types=["罚款"], fine_amount="5000.00",
        min_publicity_end=date(2026, 6, 10), max_publicity_end=date(2027, 3, 10), eligible_from=date(2026, 6, 11),
        repair_channel="gsxt_js", handler="320100-market_regulation", body_hash="h1",
        registered_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC), registered_by="integrator:x",
    )
    values.update(over)
    return CreditRecord(**values)


def test_migrations_go_up_down_and_up(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    assert "credit_record" in sa.inspect(engine).get_table_names()
    downgrade(db_url, "base")
    assert "credit_record" not in sa.inspect(engine).get_table_names()
    upgrade(db_url)
    assert "credit_record" in sa.inspect(engine).get_table_names()
    engine.dispose()


def test_insert_once_keeps_the_first_row_and_round_trips_values(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        first, created = records.insert_once(s, row(id="rec_a"))
        assert created
    with session_scope(engine) as s:
        again, created = records.insert_once(s, row(id="rec_b", body_hash="h2"))
        assert not created and again.id == "rec_a" and again.body_hash == "h1"
    with Session(engine) as s:
        stored = records.get(s, "rec_a")
        assert stored.penalty_types == ["罚款"] and str(stored.fine_amount) == "5000.00"
        assert stored.decided_on == date(2026, 3, 10)
        assert [r.id for r in records.of_subject(s, factories.uscc(1))] == ["rec_a"]
    engine.dispose()


def test_racing_registrations_make_one_row(db_url):
    """Two integrator calls with the same (issuer, record_no) at once: the unique constraint decides."""
    upgrade(db_url)
    engine = make_engine(db_url)
    results: list[tuple[str, bool]] = []
    barrier = threading.Barrier(4)

    def register(i: int) -> None:
        barrier.wait()
        with session_scope(engine) as s:
            stored, created = records.insert_once(s, row(id=f"rec_{i}"))
            results.append((stored.id, created))

    threads = [threading.Thread(target=register, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(created for _, created in results) == 1
    assert len({rid for rid, _ in results}) == 1
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from credit_record")).scalar() == 1
    engine.dispose()
