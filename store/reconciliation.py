"""对账 in the store (domain/reconciliation.py): a site's export staged a page at a time, set against the hub's
records by two set queries (the site's side, the hub's side), and the differences the hub owns matched to the
delivery that made them, to send it again.

The comparison is SQL on the store, not Python over two million rows: the store already holds the hub's side
with its indexes, so a site's million rows are staged next to it (site_view) and each side is one INSERT ...
SELECT (bench/reconcile.py measures it against an in-memory comparison). Every step is idempotent for a
retried activity: a page staged twice is kept once, a comparison done is answered from its row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.reconciliation import SHOWS_AFTER, Difference, Outcome
from store.models import (
    CaseEventRow,
    Reconciliation,
    RecordDelivery,
    RepairCase,
    SiteView,
    SyncDelivery,
    SyncDifference,
)

CHUNK = 500  # ids per IN list
STAGE = "INSERT INTO site_view (run_id, target, record_id, version) VALUES ({mark}, {mark}, {mark}, {mark}) ON " \
        "CONFLICT DO NOTHING"  # SQLite; PostgreSQL copies (_copy)


def begin(session: Session, run_id: str, day: date, target: str, target_name: str, now: datetime) -> Reconciliation:
    key = f"{run_id}:{target}"
    row = session.get(Reconciliation, key)
    if row is None:
        row = Reconciliation(id=key, run_id=run_id, day=day, target=target, target_name=target_name,
                             started_at=now, counts={})
        session.add(row)
        session.flush()
    return row


def stage(session: Session, run_id: str, target: str, items: Sequence[dict[str, Any]], cursor: str | None) -> None:
    """One page of the site's export, and where the reading got to, in one transaction. Only ids past the
    cursor kept so far and in ascending order are staged: a page read again after a crash resumes after the
    last page kept, so nothing is staged twice even where the staging table has no key (PostgreSQL)."""
    row = session.get(Reconciliation, f"{run_id}:{target}")
    last = (row.cursor if row is not None else None) or ""
    rows = []
    for item in items:
        record_id = str(item["record_id"])[:64]
        if record_id > last:  # a site answering out of order, or a page again: never twice
            rows.append((run_id, target, record_id, int(item.get("version") or 1)))
            last = record_id
    if rows:
        if session.get_bind().dialect.name == "postgresql":
            _copy(session, rows)
        else:  # the driver's own executemany: SQLAlchemy's per-row parameter handling costs three times the insert
            session.connection().exec_driver_sql(STAGE.format(mark="?"), rows)
    if row is not None:
        row.cursor = max(cursor or "", last) or None
        session.add(row)


def _copy(session: Session, rows: list[tuple[str, str, str, int]]) -> None:
    """PostgreSQL: COPY, in the session's own transaction (five times faster than an executemany; the table
    has no key there, migration 0022, so its million rows cost no index: the comparison hashes them)."""
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
            "COPY site_view (run_id, target, record_id, version) FROM STDIN") as copy:
        for row in rows:  # write_row escapes what a site may put in an id (a tab, a backslash)
            copy.write_row(row)


def staged_count(session: Session, run_id: str, target: str) -> int:
    return int(session.execute(sa.select(sa.func.count()).select_from(SiteView).where(
        SiteView.run_id == run_id, SiteView.target == target)).scalar_one())  # type: ignore[arg-type]


_INTO = ("INSERT INTO sync_difference (id, run_id, target, record_id, kind, outcome, hub_state, hub_version, "
         "site_version, found_at) ")
# what the site shows, in one pass over its staged export: unknown to the hub, taken off by the hub, or shown
# with another version of the content
SITE_SIDE = _INTO + (
    "SELECT :run || ':' || :target || ':' || s.record_id, :run, :target, s.record_id,"
    " CASE WHEN r.id IS NULL THEN 'unknown' WHEN r.state <> 'published' THEN 'shown' ELSE 'content' END,"
    " CASE WHEN r.id IS NULL THEN 'reported' ELSE 'pending' END, r.state, r.version, s.version, :now"
    " FROM site_view s LEFT JOIN credit_record r ON r.id = s.record_id"
    " WHERE s.run_id = :run AND s.target = :target"
    " AND (r.id IS NULL OR r.state <> 'published' OR s.version <> r.version)")
# what the hub publishes of the site's issuers and the site does not show
HUB_SIDE = _INTO + (
    "SELECT :run || ':' || :target || ':' || r.id, :run, :target, r.id, 'missing', 'pending', r.state, r.version,"
    " NULL, :now FROM credit_record r WHERE r.state = 'published' {scope}"
    " AND NOT EXISTS (SELECT 1 FROM site_view s WHERE s.run_id = :run AND s.target = :target AND s.record_id = r.id)")


def compare(session: Session, run_id: str, target: str, issuers: Sequence[str] | None, now: datetime) -> dict[str, int]:
    """The four classes of difference written as rows, the staged export dropped, the counts kept; a
    comparison already done answers its counts (a retried activity). `issuers`: the issuers whose records
    the site shows (None: every one), for what is missing."""
    row = session.get(Reconciliation, f"{run_id}:{target}", with_for_update=True)
    if row is not None and row.compared_at is not None:
        return dict(row.counts)
    params: dict[str, Any] = {"run": run_id, "target": target, "now": now}
    if session.get_bind().dialect.name == "postgresql":
        # the planner's figures for a table a million rows were just copied into: without them it loops
        session.execute(sa.text("ANALYZE site_view"))
    session.execute(sa.text(SITE_SIDE), params)
    if issuers is None:
        session.execute(sa.text(HUB_SIDE.format(scope="")), params)
    elif issuers:
        session.execute(sa.text(HUB_SIDE.format(scope="AND r.issuer IN :issuers")).bindparams(
            sa.bindparam("issuers", expanding=True)), {**params, "issuers": list(issuers)})
    counts = {k: int(n) for k, n in session.execute(sa.text(
        "SELECT kind, count(*) FROM sync_difference WHERE run_id = :run AND target = :target GROUP BY kind"),
        {"run": run_id, "target": target})}
    shown = staged_count(session, run_id, target)
    session.execute(sa.delete(SiteView).where(SiteView.run_id == run_id,  # type: ignore[arg-type]
                                              SiteView.target == target))  # type: ignore[arg-type]
    if row is not None:
        row.compared_at, row.counts, row.shown = now, counts, shown
        session.add(row)
    return counts


def pending(session: Session, run_id: str, target: str, kind: Difference, after: str,
            limit: int) -> list[SyncDifference]:
    q = select(SyncDifference).where(SyncDifference.run_id == run_id, SyncDifference.target == target,
                                     SyncDifference.kind == kind.value, SyncDifference.outcome == Outcome.PENDING.value,
                                     SyncDifference.record_id > after)
    return list(session.exec(q.order_by(SyncDifference.record_id).limit(limit)))  # type: ignore[arg-type]


def last_deliveries(session: Session, target: str, record_ids: Iterable[str]) -> dict[str, tuple[str, str, dict[
        str, Any] | None, datetime]]:
    """What the hub last got acknowledged by `target` about each record, whether a case's delivery or the
    record's own: record id -> (idempotency key, action, body sent, acknowledged at)."""
    ids = list(record_ids)
    last: dict[str, tuple[str, str, dict[str, Any] | None, datetime]] = {}

    def keep(record_id: str, key: str, action: str, payload: dict[str, Any] | None, at: datetime) -> None:
        if record_id not in last or _aware(at) > _aware(last[record_id][3]):
            last[record_id] = (key, action, payload, at)

    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        cases = session.exec(select(RepairCase.record_id, SyncDelivery).join(
            SyncDelivery, col(SyncDelivery.case_id) == col(RepairCase.id)).where(
            col(RepairCase.record_id).in_(chunk), SyncDelivery.target == target))
        for record_id, d in cases:
            keep(record_id, d.id, d.action, d.payload, d.acknowledged_at)
        own = session.exec(select(RecordDelivery).where(col(RecordDelivery.record_id).in_(chunk),
                                                        RecordDelivery.target == target))
        for d in own:
            keep(d.record_id, d.id, d.action, d.payload, d.acknowledged_at)
    return last


def owned(kind: Difference, hub_state: str | None, hub_version: int | None, record_id: str, target: str,
          last: tuple[str, str, dict[str, Any] | None, datetime] | None) -> tuple[str, dict[str, Any]] | None:
    """The hub's own delivery that the site should be showing the effect of (its key, its body), or None
    when the difference is not the hub's to mend (a department's feed) or its delivery is not acknowledged."""
    action = last[1].split(":")[0] if last else None
    if last is not None and action is not None:
        key, _, payload, _ = last
        body = payload or _rebuilt(record_id, last[1], key)
        if kind is Difference.SHOWN and SHOWS_AFTER.get(action) is False:
            return key, body
        if kind is Difference.MISSING and action == "unshield":
            return key, body
        if kind is Difference.CONTENT and action == "correct" and last[1] == f"correct:v{hub_version}":
            return key, body
    if kind is Difference.SHOWN and hub_state == "unpublished" and (last is None or action != "unpublish"):
        # ended by a sweep before its deliveries were kept (0022): its key is known, its body too
        return f"{record_id}:{target}:unpublish", {"record_id": record_id, "action": "unpublish",
                                                  "reason": "最长公示期届满，停止公示"}
    return None


def _rebuilt(record_id: str, action: str, key: str) -> dict[str, Any]:
    """The body of a delivery kept before its body was (0022), as the delivery port built it."""
    body: dict[str, Any] = {"record_id": record_id, "action": action.split(":")[0], "reason": "对账补发"}
    if not key.startswith("record:") and key.count(":") >= 2:
        body["case_id"] = key.split(":")[0]
    return body


def settle(session: Session, difference: SyncDifference, outcome: Outcome, *, key: str | None = None,
           payload: dict[str, Any] | None = None, ack_id: str | None = None, at: datetime | None = None,
           note: str = "") -> None:
    difference.outcome = outcome.value
    if key is not None:
        difference.delivery_key, difference.payload = key, payload
    if ack_id is not None:
        difference.ack_id = ack_id
    if at is not None:
        difference.resolved_at = at
    if note:
        difference.note = note[:300]
    session.add(difference)


def to_redeliver(session: Session, run_id: str, target: str, limit: int) -> list[SyncDifference]:
    q = select(SyncDifference).where(SyncDifference.run_id == run_id, SyncDifference.target == target,
                                     SyncDifference.outcome == Outcome.REDELIVER.value)
    return list(session.exec(q.order_by(SyncDifference.record_id).limit(limit)))  # type: ignore[arg-type]


def outcomes(session: Session, run_id: str, target: str) -> dict[str, int]:
    return {o: int(n) for o, n in session.execute(sa.text(
        "SELECT outcome, count(*) FROM sync_difference WHERE run_id = :run AND target = :target GROUP BY outcome"),
        {"run": run_id, "target": target})}


def finish(session: Session, run_id: str, target: str, now: datetime) -> Reconciliation | None:
    row = session.get(Reconciliation, f"{run_id}:{target}")
    if row is None:
        return None
    done = outcomes(session, run_id, target)
    row.redelivered, row.refused = done.get(Outcome.REDELIVERED.value, 0), done.get(Outcome.REFUSED.value, 0)
    row.finished_at = row.finished_at or now
    session.add(row)
    return row


def latest(session: Session) -> list[Reconciliation]:
    """Each target's last reconciliation that read its site (finished or not)."""
    rows = session.exec(select(Reconciliation).order_by(col(Reconciliation.started_at).desc()).limit(500))
    seen: dict[str, Reconciliation] = {}
    for row in rows:
        seen.setdefault(row.target, row)
    return sorted(seen.values(), key=lambda r: r.target)


def differences(session: Session, run_id: str, target: str | None, kind: str | None, after: str,
                limit: int) -> list[SyncDifference]:
    q = select(SyncDifference).where(SyncDifference.run_id == run_id, SyncDifference.id > after)
    if target:
        q = q.where(SyncDifference.target == target)
    if kind:
        q = q.where(SyncDifference.kind == kind)
    return list(session.exec(q.order_by(SyncDifference.id).limit(limit)))  # type: ignore[arg-type]


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def runs_of(session: Session, run_id: str) -> list[Reconciliation]:
    return list(session.exec(select(Reconciliation).where(Reconciliation.run_id == run_id)))


def last_reads(session: Session) -> list[Reconciliation]:
    """Each target's last reconciliation that read the whole export and compared it."""
    rows = session.exec(select(Reconciliation).where(col(Reconciliation.compared_at).is_not(None))
                        .order_by(col(Reconciliation.started_at).desc()).limit(500))
    seen: dict[str, Reconciliation] = {}
    for row in rows:
        seen.setdefault(row.target, row)
    return list(seen.values())


def shown_in(session: Session, run_ids: Sequence[str], record_ids: Sequence[str]) -> list[SyncDifference]:
    """The `shown` differences of these records in these runs: where a site still showed them."""
    if not run_ids or not record_ids:
        return []
    return list(session.exec(select(SyncDifference).where(
        col(SyncDifference.run_id).in_(list(run_ids)), col(SyncDifference.record_id).in_(list(record_ids)),
        SyncDifference.kind == Difference.SHOWN.value)))


def unacknowledged(session: Session, limit: int = 200) -> list[tuple[RepairCase, int, datetime | None, list[str]]]:
    """Repairs not yet acknowledged by every site (the case still `syncing`), oldest approval first: each case,
    how many sites acknowledged it, when it was approved, and the refusals since its last resync (what
    waits for an admin); the others are still being retried by the case's workflow."""
    cases = list(session.exec(select(RepairCase).where(RepairCase.state == "syncing").limit(limit)))
    if not cases:
        return []
    ids = [c.id for c in cases]
    acks: dict[str, int] = {cid: int(n) for cid, n in session.execute(
        sa.select(SyncDelivery.case_id, sa.func.count()).where(  # type: ignore[call-overload]
            col(SyncDelivery.case_id).in_(ids), SyncDelivery.action == "repair").group_by(SyncDelivery.case_id))}
    events = session.exec(select(CaseEventRow).where(
        col(CaseEventRow.case_id).in_(ids), col(CaseEventRow.action).in_(["approve", "sync_refused", "resync"]))
        .order_by(CaseEventRow.case_id, CaseEventRow.seq))  # type: ignore[arg-type]
    approved: dict[str, datetime] = {}
    refused: dict[str, list[str]] = {cid: [] for cid in ids}
    for e in events:
        if e.action == "approve":
            approved.setdefault(e.case_id, e.at)
        elif e.action == "resync":
            refused[e.case_id] = []
        else:
            refused[e.case_id].append(e.message)
    found = [(c, acks.get(c.id, 0), approved.get(c.id), refused[c.id]) for c in cases]
    return sorted(found, key=lambda f: (f[2] is None, _aware(f[2]) if f[2] else datetime.min.replace(tzinfo=UTC)))
