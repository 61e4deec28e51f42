"""The reconciliation's store side (store/reconciliation.py) on SQLite and PostgreSQL: a page staged twice is
kept once, the two set queries find each class of difference, a comparison done answers its counts again,
the staged export is dropped once compared, and each difference the hub owns is matched to its own latest
delivery there (a case's repair, the record's correction), with the body that was sent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from domain.reconciliation import Difference
from store import reconciliation as rec
from store.db import make_engine, session_scope
from store.migrate import upgrade
from store.models import RecordDelivery, SiteView, SyncDelivery, SyncDifference
from tests.store.test_progress import T0, case, record

RUN, SITE = "run-1", "creditchina_js"


@pytest.fixture
def engine(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        rows = {"shown": "repaired", "fine": "published", "missing": "published", "corrected": "published",
                "elsewhere": "published"}
        for rid, state in rows.items():
            r = record(f"rec_{rid}", f"no-{rid}")
            r.state = state
            r.issuer = "320500-tax" if rid == "elsewhere" else "320100-tax"
            r.version = 2 if rid == "corrected" else 1
            s.add(r)
        s.flush()
        s.add(case("case_1", "app1", "rec_shown", "320100-tax", None))
        s.flush()
        s.add(SyncDelivery(id=f"case_1:{SITE}:repair", case_id="case_1", target=SITE, action="repair",
                           target_name="信用中国(江苏)", ack_id="a1", acknowledged_at=T0,
                           payload={"record_id": "rec_shown", "action": "repair", "reason": "信用修复",
                                    "case_id": "case_1"}))
        s.add(RecordDelivery(id=f"record:rec_corrected:{SITE}:correct:v2", record_id="rec_corrected", target=SITE,
                             target_name="信用中国(江苏)", action="correct:v2", ack_id="a2",
                             acknowledged_at=T0 + timedelta(hours=1), payload=None))
    return engine


def test_each_class_found_once_and_matched_to_the_hubs_own_delivery(engine):
    export = [{"record_id": "rec_corrected", "version": 1}, {"record_id": "rec_fine", "version": 1},
              {"record_id": "rec_shown", "version": 1}, {"record_id": "rec_stranger", "version": 1}]
    with session_scope(engine) as s:
        rec.begin(s, RUN, date(2026, 12, 3), SITE, "信用中国(江苏)", T0)
    for _ in range(2):  # a page read again after a crash
        with session_scope(engine) as s:
            rec.stage(s, RUN, SITE, export, "rec_stranger")
    with session_scope(engine) as s:  # a site answering out of order: what is not past the cursor is not staged
        rec.stage(s, RUN, SITE, [{"record_id": "rec_fine", "version": 1}], None)
    with Session(engine) as s:
        assert rec.staged_count(s, RUN, SITE) == 4
    now = datetime.now(UTC)
    with session_scope(engine) as s:
        counts = rec.compare(s, RUN, SITE, ["320100-tax"], now)  # the site shows Nanjing's issuers only
    assert counts == {"shown": 1, "content": 1, "unknown": 1, "missing": 1}
    with session_scope(engine) as s:
        assert rec.compare(s, RUN, SITE, ["320100-tax"], now) == counts  # a retried activity
    with Session(engine) as s:
        assert s.exec(select(SiteView)).all() == []  # the staged export dropped once compared
        found = {d.record_id: d for d in s.exec(select(SyncDifference))}
        assert set(found) == {"rec_shown", "rec_corrected", "rec_stranger", "rec_missing"}  # not rec_elsewhere
        assert found["rec_stranger"].outcome == "reported" and found["rec_shown"].hub_state == "repaired"
        last = rec.last_deliveries(s, SITE, list(found))
    assert last["rec_shown"][:2] == (f"case_1:{SITE}:repair", "repair")
    key, body = rec.owned(Difference.SHOWN, "repaired", 1, "rec_shown", SITE, last["rec_shown"])
    assert key == f"case_1:{SITE}:repair" and body["reason"] == "信用修复"
    key, body = rec.owned(Difference.CONTENT, "published", 2, "rec_corrected", SITE, last["rec_corrected"])
    assert key == f"record:rec_corrected:{SITE}:correct:v2" and body["action"] == "correct"  # rebuilt: no body kept
    assert rec.owned(Difference.MISSING, "published", 1, "rec_missing", SITE, last.get("rec_missing")) is None
    with Session(engine) as s:
        assert [d.record_id for d in rec.pending(s, RUN, SITE, Difference.SHOWN, "", 10)] == ["rec_shown"]
        assert rec.runs_of(s, RUN)[0].shown == 4
