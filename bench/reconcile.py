"""对账 at a province's scale: 1,000,000 records in the hub against 1,000,000 shown by one site, with a few
thousand differences of each class, reconciled by the store's own path (the export staged a page at a time,
two set queries, the hub's differences classified: store/reconciliation.py and activities/reconciliation.py
without the HTTP), beside a naive comparison in memory (both sides loaded into dicts) measured in the same
run. Each contestant runs in a process of its own, so its peak memory (ru_maxrss) is its own.

    .venv/bin/python bench/reconcile.py [--records N] [--each K] [--postgres] [--var DIR]

The site's export is generated page by page as a site would answer it (sorted by record id), not read over
HTTP: what is measured is the comparison, which is what grows with the province. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE = 2000
CLASSES = ("shown", "missing", "unknown", "content")


def rid(i: int) -> str:
    return f"rec_{i:020d}"


def plan(records: int, each: int) -> dict[str, range]:
    """Which records differ how: the first `each` ids repaired in the hub and still shown, the next missing
    from the site, the next shown with an older version; `each` more ids shown that the hub never had."""
    return {"shown": range(0, each), "missing": range(each, 2 * each), "content": range(2 * each, 3 * each),
            "unknown": range(records, records + each)}


def build_hub(db_url: str, records: int, each: int) -> None:
    """The hub's credit_record table at its real schema (the migrations), filled in bulk."""
    import sqlalchemy as sa

    from store.migrate import upgrade

    upgrade(db_url)
    diff = plan(records, each)
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    cols = ("id, issuer, record_no, kind, severity, decided_on, subject_key, subject_kind, subject_name, "
            "penalty_types, min_publicity_end, max_publicity_end, eligible_from, repairable, repair_channel, "
            "handler, state, body_hash, registered_at, registered_by, withdrawal_overdue, version")
    names = [c.strip() for c in cols.split(",")]
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with engine.begin() as conn:
        statement = sa.text(f"INSERT INTO credit_record ({cols}) VALUES ({', '.join(':' + n for n in names)})")
        for start in range(0, records, 20000):
            rows = []
            for i in range(start, min(records, start + 20000)):
                rows.append({"id": rid(i), "issuer": "320100-market_regulation", "record_no": f"宁市监罚〔2026〕{i}号",
                             "kind": "administrative_penalty", "severity": "general", "decided_on": date(2026, 1, 5),
                             "subject_key": f"91320100{i:010d}", "subject_kind": "enterprise",
                             "subject_name": "南京示例有限公司", "penalty_types": "[]",
                             "min_publicity_end": date(2026, 4, 5), "max_publicity_end": date(2027, 1, 5),
                             "eligible_from": date(2026, 4, 5), "repairable": True,
                             "repair_channel": "gsxt_js", "handler": "320100-market_regulation",
                             "state": "repaired" if i in diff["shown"] else "published", "body_hash": "0" * 64,
                             "registered_at": now, "registered_by": "bench", "withdrawal_overdue": False,
                             "version": 2 if i in diff["content"] else 1})
            conn.execute(statement, rows)
    engine.dispose()


def export(records: int, each: int) -> Iterator[list[dict[str, Any]]]:
    """What the site shows, page by page in record-id order: everything but the missing, the content ones at
    the old version, and the ones the hub never had."""
    diff = plan(records, each)
    missing = diff["missing"]
    ids = [i for i in range(records) if i not in missing] + list(diff["unknown"])
    for start in range(0, len(ids), PAGE):
        yield [{"record_id": rid(i), "version": 1} for i in ids[start:start + PAGE]]


def ours(records: int, each: int) -> dict[str, Any]:
    from activities.reconciliation import classify
    from config.settings import get_settings
    from store import reconciliation as store_reconciliation
    from store.db import engine_for, session_scope

    engine = engine_for(get_settings().db_url)
    run, target = "bench-run", "creditchina_js"
    started = time.perf_counter()
    with session_scope(engine) as session:
        store_reconciliation.begin(session, run, date(2026, 12, 3), target, "信用中国(江苏)", datetime.now(UTC))
    cursor = ""
    for page in export(records, each):
        cursor = page[-1]["record_id"]
        with session_scope(engine) as session:
            store_reconciliation.stage(session, run, target, page, cursor)
    staged = time.perf_counter()
    with session_scope(engine) as session:
        counts = store_reconciliation.compare(session, run, target, None, datetime.now(UTC))
    compared = time.perf_counter()
    classify(run, target)
    done = time.perf_counter()
    return {"counts": counts, "seconds": done - started, "stage_s": staged - started,
            "compare_s": compared - staged, "classify_s": done - compared}


def naive(records: int, each: int) -> dict[str, Any]:
    """Both sides in dicts, compared in Python: what one writes first."""
    import sqlalchemy as sa

    from config.settings import get_settings

    started = time.perf_counter()
    engine = sa.create_engine(get_settings().db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        hub = {r: (s, v) for r, s, v in conn.execute(sa.text("SELECT id, state, version FROM credit_record"))}
    site = {item["record_id"]: item["version"] for page in export(records, each) for item in page}
    counts = dict.fromkeys(CLASSES, 0)
    for record_id, version in site.items():
        known = hub.get(record_id)
        if known is None:
            counts["unknown"] += 1
        elif known[0] != "published":
            counts["shown"] += 1
        elif known[1] != version:
            counts["content"] += 1
    counts["missing"] = sum(1 for r, (s, _) in hub.items() if s == "published" and r not in site)
    return {"counts": counts, "seconds": time.perf_counter() - started}


def one(name: str, records: int, each: int) -> None:
    """In a child process: one contestant, its figures and its peak memory on stdout."""
    result = {"ours": ours, "naive": naive}[name](records, each)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def child(name: str, db_url: str, records: int, each: int) -> dict[str, Any]:
    env = {**os.environ, "XIUFU_DATABASE_URL": db_url}
    out = subprocess.run([sys.executable, __file__, "--one", name, "--records", str(records), "--each", str(each)],
                         env=env, check=True, capture_output=True, text=True, cwd=ROOT)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--each", type=int, default=3000, help="differences of each class")
    parser.add_argument("--postgres", action="store_true", help="on a throwaway PostgreSQL server, not SQLite")
    parser.add_argument("--var", default="", help="where the bench's database goes (default: a temporary dir)")
    parser.add_argument("--one", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.records, args.each)
        return
    with tempfile.TemporaryDirectory(dir=args.var or None) as tmp:
        if args.postgres:
            from tests.pg import postgres_server

            with postgres_server() as url:
                run(url, args.records, args.each, "postgresql")
        else:
            run(f"sqlite:///{tmp}/bench.db", args.records, args.each, "sqlite")


def run(db_url: str, records: int, each: int, store: str) -> None:
    started = time.perf_counter()
    build_hub(db_url, records, each)
    print(f"hub of {records:,} records built in {time.perf_counter() - started:.1f} s ({store})", file=sys.stderr)
    naive_result = child("naive", db_url, records, each)
    ours_result = child("ours", db_url, records, each)
    expected = {k: len(v) for k, v in plan(records, each).items()}
    assert naive_result["counts"] == expected, naive_result["counts"]
    assert ours_result["counts"] == expected, ours_result["counts"]
    print(f"naive (dicts in memory): {naive_result['seconds']:.2f} s, peak {naive_result['peak_mb']:.0f} MB")
    o = ours_result
    print(f"ours (store, staged):    {o['seconds']:.2f} s (stage {o['stage_s']:.2f}, compare {o['compare_s']:.2f}, "
          f"classify {o['classify_s']:.2f}), peak {o['peak_mb']:.0f} MB")
    print(f"time ratio ours/naive: {ours_result['seconds'] / naive_result['seconds']:.2f}; "
          f"memory ratio ours/naive: {ours_result['peak_mb'] / naive_result['peak_mb']:.2f}")
    print(json.dumps({"store": store, "records": records, "each": each, "expected": expected, "naive": naive_result,
                      "ours": ours_result}, ensure_ascii=False))


if __name__ == "__main__":
    main()
