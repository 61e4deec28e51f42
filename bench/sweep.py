"""The daily sweep's selection queries on a real-sized stock, beside a full scan of the same table in the
same run.

    .venv/bin/python bench/sweep.py [--records N]        (default 1,000,000; the load takes minutes)

Loads N synthetic records into a fresh store (SQLite in a temporary directory, or the PostgreSQL database
DATABASE_URL names: it must be empty, the benchmark migrates it), then times, for one day, the pages of
"becoming eligible within the window" and "past the maximum period" exactly as the sweep reads them, and a
full read of the table (what a sweep without those indexes would do). Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa


def load(engine: sa.Engine, records: int, today: date) -> float:
    from config.loader import load_directory
    from config.settings import CONFIG_DIR
    from devstack import sample_uscc
    from domain.periods import add_months
    from store.models import CreditRecord

    issuers = [a.code for a in load_directory(CONFIG_DIR)]
    months = {"minor": (0, 3), "general": (3, 12), "serious": (12, 36)}
    rnd = random.Random(7)
    table = CreditRecord.__table__  # type: ignore[attr-defined]
    start = time.perf_counter()
    now = datetime.now(UTC)
    with engine.begin() as conn:
        batch = []
        for n in range(records):
            severity = rnd.choices(("minor", "general", "serious"), weights=(1, 8, 1))[0]
            decided = today - timedelta(days=rnd.randrange(0, 4 * 365))
            lo, hi = months[severity]
            min_end, max_end = add_months(decided, lo), add_months(decided, hi)
            state = rnd.choices(("published", "repaired"), weights=(8, 2))[0]
            if max_end < today - timedelta(days=1):
                state = "unpublished"  # as the sweeps of the days before left them: steady state
            batch.append({
                "id": f"rec_{n:020d}", "issuer": rnd.choice(issuers), "record_no": f"苏罚〔{decided.year}〕{n}号",
                "kind": rnd.choices(("penalty", "abnormal_list", "serious_list"), weights=(8, 3, 1))[0],
                "severity": severity, "decided_on": decided, "subject_key": sample_uscc(n % 200_000),
                "subject_kind": "enterprise", "subject_name": f"江苏示例{n}有限公司",
                "contact_phone": "13912345678" if n % 3 else None, "penalty_types": [], "min_publicity_end": min_end,
                "max_publicity_end": max_end, "eligible_from": min_end + timedelta(days=1), "repairable": True,
                "repair_channel": "creditchina_js", "handler": "320100-transport",
                "state": state,
                "body_hash": "", "registered_at": now, "registered_by": "bench"})
            if len(batch) == 20_000:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
    return time.perf_counter() - start


def selection(engine: sa.Engine, today: date) -> tuple[float, int, int]:
    from sqlmodel import Session

    from store import monitoring

    start = time.perf_counter()
    due = ended = 0
    with Session(engine) as session:
        after = None
        while rows := monitoring.due_for_reminder(session, today, 7, after, 500):
            due += len(rows)
            after = rows[-1]
        after_end = None
        while found := monitoring.past_maximum(session, today, after_end, 500):
            ended += len(found)
            after_end = (found[-1].max_publicity_end, found[-1].id)
    return time.perf_counter() - start, due, ended


def full_scan(engine: sa.Engine) -> tuple[float, int]:
    start = time.perf_counter()
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, state, eligible_from, max_publicity_end, contact_phone "
                                    "FROM credit_record")).fetchall()
    return time.perf_counter() - start, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    from store.db import make_engine
    from store.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="xiufu-bench-sweep-") as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(tmp) / 'sweep.db'}"
        upgrade(url)
        engine = make_engine(url)
        today = date.today()
        loaded = load(engine, args.records, today)
        with engine.connect() as conn:  # fresh statistics for the planner, as a DBA would keep them
            conn.execute(sa.text("ANALYZE"))
            conn.commit()
        select_s, due, ended = selection(engine, today)
        scan_s, scanned = full_scan(engine)
        engine.dispose()
    print(f"{args.records} records loaded in {loaded:.0f} s ({url.split('://')[0]})")
    print(f"sweep selection for {today}: {due} to remind, {ended} past their maximum, in {select_s:.3f} s")
    print(f"full scan of the table: {scanned} rows in {scan_s:.3f} s ({scan_s / select_s:.1f}x the selection)")
    print(json.dumps({"records": args.records, "select_s": round(select_s, 3), "full_scan_s": round(scan_s, 3),
                      "to_remind": due, "past_maximum": ended}))


if __name__ == "__main__":
    main()
