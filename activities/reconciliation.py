"""对账 activities (workflows/reconciliation.py): a site's export read into the store a page at a time, set
against the hub's records (store/reconciliation.py), and what the hub owns sent again to the site.

Each is safe to retry and to kill: the reading resumes after the last page kept (its cursor is written with
the page), a comparison done is answered from its row, and a delivery sent again carries the key of the
first one, so a site that has it already applies nothing twice (and a difference is marked sent only once
the site acknowledged)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.shared import http, post_delivery, transaction
from config.loader import load_directory
from config.settings import get_settings
from contracts.reconciliation import SiteCompared, SiteResult, SiteRun
from domain.reconciliation import Difference, Outcome, shows
from store import reconciliation as store_reconciliation

CLASSIFIED = (Difference.SHOWN, Difference.CONTENT, Difference.MISSING)


@activity.defn
def read_site(run: SiteRun) -> int:
    """The site's export, page after page, each page staged with the cursor after it; answers how many
    records the site shows."""
    t = run.target
    with transaction() as session:
        row = store_reconciliation.begin(session, run.run_id, run.day, t.code, t.name, datetime.now(UTC))
        cursor, done = row.cursor, row.read_at is not None
    while not done:
        page = _export_page(t.base_url, t.name, cursor or "", run.page)
        items: list[dict[str, Any]] = list(page.get("items") or [])
        following = page.get("next")
        with transaction() as session:
            store_reconciliation.stage(session, run.run_id, t.code, items, following or cursor)
            if not following:
                row = store_reconciliation.begin(session, run.run_id, run.day, t.code, t.name, datetime.now(UTC))
                row.read_at = datetime.now(UTC)
                session.add(row)
        cursor, done = following, not following
        activity.heartbeat(cursor)
    with transaction() as session:
        return store_reconciliation.staged_count(session, run.run_id, t.code)


def _export_page(base_url: str, name: str, after: str, limit: int) -> dict[str, Any]:
    try:
        response = http.get(f"{base_url}/export", params={"after": after, "limit": limit})
    except httpx.HTTPError as exc:
        raise ApplicationError(f"{name} unreachable: {type(exc).__name__}", type="TargetUnavailable") from exc
    if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
        raise ApplicationError(f"{name} refused its export: {response.status_code}", type="ExportRefused",
                               non_retryable=True)
    if response.status_code >= 300:
        raise ApplicationError(f"{name} answered {response.status_code}", type="TargetUnavailable")
    return dict(response.json())


@activity.defn
def compare_site(run: SiteRun) -> SiteCompared:
    """The differences written, then each the hub may own matched to the delivery that made it: sent again
    (its key and body kept on the difference), left pending while that delivery is still unacknowledged, or
    reported (a department's feed, not the hub's)."""
    settings = get_settings()
    t = run.target
    issuers = None if t.shows == "all" else [a.code for a in load_directory(settings.config_dir)
                                              if shows(t.shows, a)]
    with transaction() as session:
        counts = store_reconciliation.compare(session, run.run_id, t.code, issuers, datetime.now(UTC))
    classify(run.run_id, t.code)
    with transaction() as session:
        left = store_reconciliation.outcomes(session, run.run_id, t.code).get(Outcome.REDELIVER.value, 0)
    return SiteCompared(counts=counts, to_redeliver=left)


def classify(run_id: str, target: str) -> None:
    """Each difference the hub may own matched to what the hub last got acknowledged about the record there,
    500 at a time (a retry classifies again what is still pending: the same answer)."""
    for kind in CLASSIFIED:
        after = ""
        while True:
            with transaction() as session:
                found = store_reconciliation.pending(session, run_id, target, kind, after, 500)
                if not found:
                    break
                last = store_reconciliation.last_deliveries(session, target, [d.record_id for d in found])
                for d in found:
                    mine = store_reconciliation.owned(kind, d.hub_state, d.hub_version, d.record_id, target,
                                                      last.get(d.record_id))
                    if mine is not None:
                        store_reconciliation.settle(session, d, Outcome.REDELIVER, key=mine[0], payload=mine[1])
                    elif not _in_flight(kind, d.hub_version, last.get(d.record_id)):
                        store_reconciliation.settle(session, d, Outcome.REPORTED)
                after = found[-1].record_id
            if activity.in_activity():
                activity.heartbeat(kind.value, after)


def _in_flight(kind: Difference, hub_version: int | None, last: Any) -> bool:
    """Whether the hub has a delivery of its own about this difference that the site has not acknowledged
    yet (then the difference waits for it, `pending`). A record shown though the hub took it off always has
    one (the removal that took it off); a content behind the hub's has one when the hub corrected it."""
    if kind is Difference.SHOWN:
        return True
    if kind is Difference.CONTENT:
        return bool(hub_version and hub_version > 1)
    return False


@activity.defn
def redeliver(run: SiteRun) -> int:
    """A batch of the differences the hub owns, sent again with the first delivery's key and body; answers
    how many are left. A refusal (4xx) is kept on the difference for people; an outage is retried."""
    t = run.target
    with transaction() as session:
        batch = store_reconciliation.to_redeliver(session, run.run_id, t.code, run.batch)
    for n, d in enumerate(batch):
        assert d.delivery_key is not None and d.payload is not None
        try:
            ack = post_delivery(t.base_url, t.name, d.delivery_key, dict(d.payload))
        except ApplicationError as err:
            if err.type != "DeliveryRefused":
                raise
            with transaction() as session:
                store_reconciliation.settle(session, d, Outcome.REFUSED, at=datetime.now(UTC), note=err.message)
            continue
        with transaction() as session:
            store_reconciliation.settle(session, d, Outcome.REDELIVERED, ack_id=str(ack.get("ack_id", "")),
                                        at=datetime.now(UTC))
        activity.heartbeat(n)
    with transaction() as session:
        return store_reconciliation.outcomes(session, run.run_id, t.code).get(Outcome.REDELIVER.value, 0)


@activity.defn
def finish_site(run: SiteRun) -> SiteResult:
    with transaction() as session:
        row = store_reconciliation.finish(session, run.run_id, run.target.code, datetime.now(UTC))
        done = store_reconciliation.outcomes(session, run.run_id, run.target.code)
        if row is None:
            return SiteResult(target=run.target.code, outcomes=done)
        return SiteResult(target=row.target, shown=row.shown, counts=dict(row.counts), outcomes=done,
                          error=row.error)


@activity.defn
def site_unreadable(run: SiteRun, message: str) -> SiteResult:
    """The site could not be read today (down past the run's patience, or refusing its export): kept, and
    tomorrow's run reads it again."""
    t = run.target
    with transaction() as session:
        row = store_reconciliation.begin(session, run.run_id, run.day, t.code, t.name, datetime.now(UTC))
        row.error, row.finished_at = message[:300], row.finished_at or datetime.now(UTC)
        session.add(row)
    return SiteResult(target=t.code, error=message[:300])
