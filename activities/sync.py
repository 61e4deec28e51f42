"""一网修复,多网下线: delivering a repair result to every sync target over HTTP.

The Idempotency-Key is the case and the target: a delivery retried after a worker crash is acknowledged
again by the target but applied once. A target that refuses the delivery (4xx) will refuse it again, so
that failure is not retried; outages and timeouts are.
"""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity

from activities.shared import post_delivery, transaction
from config.loader import load_targets
from config.settings import get_settings
from contracts.case import DeliveryAck, DeliveryInput, TargetInfo
from store import cases as store_cases


@activity.defn
def list_targets() -> list[TargetInfo]:
    settings = get_settings()
    return [TargetInfo(code=t.code, name=t.name, base_url=t.base_url, shows=t.shows)
            for t in load_targets(settings.config_dir, settings.simulator_url)]


@activity.defn
def deliver(delivery: DeliveryInput) -> DeliveryAck:
    key = f"{delivery.case_id}:{delivery.target}:{delivery.action}"
    payload: dict[str, object] = {"record_id": delivery.record_id, "action": delivery.action,
                                  "reason": delivery.reason, "case_id": delivery.case_id}
    body = post_delivery(delivery.base_url, delivery.target_name, key, payload)
    ack = DeliveryAck(target=delivery.target, target_name=delivery.target_name, ack_id=str(body["ack_id"]),
                      acknowledged_at=datetime.now(UTC))
    with transaction() as session:
        store_cases.save_ack(session, case_id=delivery.case_id, target=ack.target, target_name=ack.target_name,
                             ack_id=ack.ack_id, acknowledged_at=ack.acknowledged_at, action=delivery.action,
                             payload=payload)
    return ack
