"""Downstream-site simulator: stands in for Credit China (Jiangsu), the publicity system, the public data
platform and the city credit sites, speaking HTTP as a sync target would.

It publishes records (as the departments' own feeds give them to a site: POST /sites/{site}/records), takes
them off on a delivery, refuses a malformed one (422), remembers every Idempotency-Key so a retried delivery
is acknowledged again but applied once, and offers the data interface a real site has for reconciliation
(simulator/sites.py: what it shows now, page by page, and what changed since a moment). It can be told to
fail, be slow, be down for a while, drop removals while acknowledging them, restore an older copy of itself
(POST /control/{site}, /sites/{site}/snapshot, /sites/{site}/restore). State is in memory: restarting the
simulator is restarting those sites.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import FastAPI, Header, HTTPException
from pydantic import BaseModel, Field

from simulator import handling, identity, payments
from simulator.faults import misbehave
from simulator.sites import REMOVALS, Control, Site, down, export_page

app = FastAPI(title="xiufu 下游网站模拟器 (simulator)")
app.include_router(identity.router)
app.include_router(handling.router)
app.include_router(payments.router)


class Publish(BaseModel):
    record_id: str = Field(min_length=1)
    subject_key: str = Field(min_length=1)
    subject_name: str = ""
    kind: str = ""
    version: int = 1


class Delivery(BaseModel):
    record_id: str = Field(min_length=1)
    # repair: take it off (修复); unpublish: its publicity period is over; shield: hide it while an overdue
    # case is open (暂时屏蔽); unshield: show it again, the case having ended without a repair
    # withdraw: the decision behind it was revoked or annulled (nothing is left to repair)
    # correct: the record's content corrected by its issuer (`content`, its `version`): shown as corrected
    action: Literal["repair", "unpublish", "shield", "unshield", "withdraw", "correct"]
    reason: str = ""
    content: dict[str, str] | None = None
    version: int | None = None
    case_id: str | None = None
    decided_at: str | None = None


sites: dict[str, Site] = defaultdict(Site)


@app.get("/sites")
def list_sites() -> dict[str, Any]:
    return {code: {"records": len(s.records), "deliveries": len(s.acks)} for code, s in sites.items()}


@app.post("/sites/{site}/records", status_code=201)
def publish(site: str, record: Publish) -> dict[str, Any]:
    """A department's feed publishes a record on the site (or publishes it again, as a re-import does)."""
    return sites[site].put(record.record_id, {**record.model_dump(), "published": True})


@app.post("/sites/{site}/records/bulk", status_code=201)
def publish_many(site: str, records: list[Publish]) -> dict[str, int]:
    for record in records:
        sites[site].put(record.record_id, {**record.model_dump(), "published": True})
    return {"published": len(records)}


@app.get("/sites/{site}/export")
def export(site: str, after: str = "", limit: int = 1000, since: str = "") -> dict[str, Any]:
    """What the site publishes now, by record id, a page at a time (`after` the last id of the page before);
    with `since` (an ISO moment), only what changed since then, shown or taken off (the daily increment)."""
    down(sites[site].control)
    return export_page(sites[site], after=after, limit=max(1, min(limit, 10000)), since=since)


@app.post("/sites/{site}/snapshot")
def snapshot(site: str) -> dict[str, int]:
    """Keeps a copy of the site as it is now, for a later restore."""
    return {"records": sites[site].snapshot()}


@app.post("/sites/{site}/restore")
def restore(site: str) -> dict[str, int]:
    """The site restored from its copy (a backup): whatever it applied since is lost, removals and the
    idempotency keys that came with them alike."""
    return {"records": sites[site].restore()}


@app.get("/sites/{site}/records/{record_id}")
def get_record(site: str, record_id: str) -> dict[str, Any]:
    record = sites[site].records.get(record_id)
    if record is None:
        raise HTTPException(404, "no such record")
    return record


@app.post("/sites/{site}/deliveries")
async def deliver(
    site: str, delivery: Delivery, idempotency_key: str = Header(..., min_length=8)
) -> dict[str, Any]:
    target = sites[site]
    target.received += 1
    down(target.control)
    await misbehave(target.control, "record unknown to this site")
    if idempotency_key in target.acks:
        return {**target.acks[idempotency_key], "replayed": True}
    lost = delivery.action in REMOVALS and target.drops()
    if not lost:  # a dropped removal is acknowledged and never written: neither its effect nor its key is kept
        target.applied[idempotency_key] += 1
        target.apply(delivery.record_id, delivery.action, delivery.reason, delivery.content, delivery.version)
    ack = {
        "ack_id": uuid.uuid4().hex,
        "site": site,
        "record_id": delivery.record_id,
        "action": delivery.action,
        "acknowledged_at": datetime.now(UTC).isoformat(),
        "replayed": False,
    }
    if not lost:
        target.acks[idempotency_key] = ack
    return ack


@app.get("/sites/{site}/deliveries")
def deliveries(site: str) -> dict[str, Any]:
    target = sites[site]
    return {"received": target.received, "applied": dict(target.applied), "acks": target.acks}


@app.post("/control/{site}")
def control(site: str, settings: Control) -> dict[str, Any]:
    sites[site].control = settings.started()
    return settings.model_dump()


# ---- the provincial message centre (SMS), stand-in ------------------------------------------------------
class Sms(BaseModel):
    phone: str = Field(pattern=r"^1[3-9]\d{9}$")
    text: str = Field(min_length=1, max_length=500)


class MessageCentre:
    def __init__(self) -> None:
        self.sent: dict[str, dict[str, Any]] = {}  # Idempotency-Key -> the message as delivered
        self.delivered: dict[str, int] = defaultdict(int)  # Idempotency-Key -> times delivered (must stay 1)
        self.control = Control()


centre = MessageCentre()


@app.post("/message-centre/messages")
async def send_sms(sms: Sms, idempotency_key: str = Header(..., min_length=8)) -> dict[str, Any]:
    await misbehave(centre.control, "message refused")
    if idempotency_key not in centre.sent:
        centre.delivered[idempotency_key] += 1
        centre.sent[idempotency_key] = {"id": uuid.uuid4().hex, "phone": sms.phone, "text": sms.text,
                                        "at": datetime.now(UTC).isoformat()}
    return centre.sent[idempotency_key]


@app.get("/message-centre/messages")
def sent_sms() -> dict[str, Any]:
    return {"sent": centre.sent, "delivered": dict(centre.delivered)}


@app.post("/message-centre/control")
def control_centre(settings: Control) -> dict[str, Any]:
    centre.control = settings
    return settings.model_dump()


@app.post("/reset")
def reset() -> dict[str, str]:
    sites.clear()
    centre.__init__()  # type: ignore[misc]
    handling.reset()
    payments.reset()
    return {"status": "reset"}
