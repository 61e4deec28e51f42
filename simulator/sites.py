"""One simulated credit site's state and its misbehaviour, for the reconciliation (issue 12) to find.

What a site shows is what it was fed (the departments' feeds, POST /sites/{site}/records) less what the hub
told it to take off. A real site's data interface for reconciliation is its export (docs/site-interface.md):
what it publishes now, a page at a time in record-id order, and what changed since a moment. The faults a
site shows here are the ones that make a site differ from the hub while saying it does not: removals
acknowledged and never written (`drop_share`, `drop_next`), a restore from an older copy, being down.
"""

from __future__ import annotations

import bisect
import copy
import time
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel

# the deliveries that take a record off a site (the ones a site can lose)
REMOVALS = frozenset({"repair", "unpublish", "shield", "withdraw"})


class Control(BaseModel):
    fail_next: int = 0  # answer 503 to the next N deliveries
    refuse_next: int = 0  # answer 422 to the next N deliveries (a site that will not take them)
    delay_s: float = 0.0  # sleep before answering each delivery
    down_for_s: float = 0.0  # answer 503 to everything (deliveries, export) for this long from now
    drop_next: int = 0  # acknowledge the next N removals and never write them
    drop_share: float = 0.0  # acknowledge this share of removals (0..1, spread evenly) and never write them
    down_until: float = 0.0  # set from down_for_s when the control is given

    def started(self) -> Control:
        return self.model_copy(update={"down_until": time.monotonic() + self.down_for_s if self.down_for_s else 0})


def down(control: Control) -> None:
    if control.down_until and time.monotonic() < control.down_until:
        raise HTTPException(503, "simulated outage: site down")


class Site:
    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.acks: dict[str, dict[str, Any]] = {}  # Idempotency-Key -> acknowledgement
        self.applied: dict[str, int] = defaultdict(int)  # Idempotency-Key -> times applied (must stay 1)
        self.received = 0
        self.control = Control()
        self.dropped = 0
        self._owed = 0.0  # drop_share's running remainder: every 1/share-th removal is dropped
        self._ids: list[str] | None = None  # sorted record ids, rebuilt after a record is added
        self._copy: tuple[dict[str, Any], dict[str, Any], dict[str, int]] | None = None

    def put(self, record_id: str, values: dict[str, Any]) -> dict[str, Any]:
        if record_id not in self.records:
            self._ids = None
        self.records[record_id] = {**values, "changed_at": _now()}
        return self.records[record_id]

    def apply(self, record_id: str, action: str, reason: str, content: dict[str, str] | None,
              version: int | None) -> None:
        record = self.records.get(record_id)
        if record is None:
            self._ids = None
            record = self.records[record_id] = {"record_id": record_id, "published": False}
        if action == "correct":
            record.update(content or {}, version=version, corrected_reason=reason)
        elif action == "unshield":
            record.update(published=True, removed_by=None, reason=reason)
        else:
            record.update(published=False, removed_by=action, reason=reason)
        record["changed_at"] = _now()

    def drops(self) -> bool:
        """Whether the removal coming in is to be lost (acknowledged, never written)."""
        if self.control.drop_next > 0:
            self.control.drop_next -= 1
            self.dropped += 1
            return True
        self._owed += self.control.drop_share
        if self._owed >= 1:
            self._owed -= 1
            self.dropped += 1
            return True
        return False

    def sorted_ids(self) -> list[str]:
        if self._ids is None:
            self._ids = sorted(self.records)
        return self._ids

    def snapshot(self) -> int:
        self._copy = (copy.deepcopy(self.records), copy.deepcopy(self.acks), dict(self.applied))
        return len(self.records)

    def restore(self) -> int:
        if self._copy is None:
            raise HTTPException(409, "no snapshot to restore")
        records, acks, applied = copy.deepcopy(self._copy)
        stamp = _now()  # what the restore changed shows in the next increment
        for rid, values in records.items():
            if self.records.get(rid) != values:
                values["changed_at"] = stamp
        self.records, self.acks, self.applied = records, acks, defaultdict(int, applied)
        self._ids = None
        return len(self.records)


def export_page(site: Site, *, after: str, limit: int, since: str) -> dict[str, Any]:
    """A page of the export: the records after `after` in id order. Without `since`, only what is shown; with
    it, everything changed since then, each saying whether it is shown."""
    ids = site.sorted_ids()
    start = bisect.bisect_right(ids, after) if after else 0
    items: list[dict[str, Any]] = []
    last = ""
    for rid in ids[start:]:
        record = site.records[rid]
        last = rid
        if since and record.get("changed_at", "") > since:
            items.append(_item(record, shown=bool(record.get("published"))))
        elif not since and record.get("published"):
            items.append(_item(record))
        if len(items) >= limit:
            break
    more = bool(last) and last != ids[-1]
    return {"items": items, "next": last if more else None, "as_of": _now()}


def _item(record: dict[str, Any], shown: bool = True) -> dict[str, Any]:
    item = {"record_id": record["record_id"], "version": int(record.get("version") or 1),
            "changed_at": record.get("changed_at")}
    return item if shown else {**item, "shown": False}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")
