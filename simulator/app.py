"""Downstream-site simulator: stands in for Credit China (Jiangsu), the publicity system, the public data
platform and the city credit sites, speaking HTTP as a sync target would.

It publishes records, takes them off on a delivery, refuses a malformed one (422), remembers every
Idempotency-Key so a retried delivery is acknowledged again but applied once, and can be told to fail or
be slow (POST /control/{site}). State is in memory: restarting the simulator is restarting those sites.
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

app = FastAPI(title="xiufu 下游网站模拟器 (simulator)")
app.include_router(identity.router)
app.include_router(handling.router)
app.include_router(payments.router)


class Publish(BaseModel):
    record_id: str = Field(min_length=1)
    subject_key: str = Field(min_length=1)
    subject_name: str = ""
    kind: str = ""


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


class Control(BaseModel):
    fail_next: int = 0  # answer 503 to the next N deliveries
    refuse_next: int = 0  # answer 422 to the next N deliveries (a site that will not take them)
    delay_s: float = 0.0  # sleep before answering each delivery


class Site:
    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.acks: dict[str, dict[str, Any]] = {}  # Idempotency-Key -> acknowledgement
        self.applied: dict[str, int] = defaultdict(int)  # Idempotency-Key -> times applied (must stay 1)
        self.received = 0
        self.control = Control()


sites: dict[str, Site] = defaultdict(Site)


@app.get("/sites")
def list_sites() -> dict[str, Any]:
    return {code: {"records": len(s.records), "deliveries": len(s.acks)} for code, s in sites.items()}


@app.post("/sites/{site}/records", status_code=201)
def publish(site: str, record: Publish) -> dict[str, Any]:
    sites[site].records[record.record_id] = {**record.model_dump(), "published": True}
    return sites[site].records[record.record_id]


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
    await misbehave(target.control, "record unknown to this site")
    if idempotency_key in target.acks:
        return {**target.acks[idempotency_key], "replayed": True}
    target.applied[idempotency_key] += 1
    record = target.records.setdefault(delivery.record_id, {"record_id": delivery.record_id})
    if delivery.action == "correct":
        record.update(delivery.content or {}, version=delivery.version, corrected_reason=delivery.reason)
    elif delivery.action == "unshield":
        record.update(published=True, removed_by=None, reason=delivery.reason)
    else:
        record.update(published=False, removed_by=delivery.action, reason=delivery.reason)
    ack = {
        "ack_id": uuid.uuid4().hex,
        "site": site,
        "record_id": delivery.record_id,
        "action": delivery.action,
        "acknowledged_at": datetime.now(UTC).isoformat(),
        "replayed": False,
    }
    target.acks[idempotency_key] = ack
    return ack


@app.get("/sites/{site}/deliveries")
def deliveries(site: str) -> dict[str, Any]:
    target = sites[site]
    return {"received": target.received, "applied": dict(target.applied), "acks": target.acks}


@app.post("/control/{site}")
def control(site: str, settings: Control) -> dict[str, Any]:
    sites[site].control = settings
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
