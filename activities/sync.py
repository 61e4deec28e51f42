"""一网修复,多网下线: delivering a repair result to every sync target over HTTP.

The Idempotency-Key is the case and the target: a delivery retried after a worker crash is acknowledged
again by the target but applied once. A target that refuses the delivery (4xx) will refuse it again, so
that failure is not retried; outages and timeouts are.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from config.loader import load_targets
from config.settings import get_settings
from store import cases as store_cases
from store.db import engine_for, session_scope
from workflows.contracts import DeliveryAck, DeliveryInput, TargetInfo

# One client for the process (httpx clients are thread-safe): making one per delivery costs about 60 ms of CPU
# (it loads the CA bundle), more than the delivery itself, and throws its kept-alive connections away.
_http = httpx.Client(timeout=20, limits=httpx.Limits(max_connections=64, max_keepalive_connections=32))


@activity.defn
def list_targets() -> list[TargetInfo]:
    settings = get_settings()
    return [TargetInfo(code=t.code, name=t.name, base_url=t.base_url)
            for t in load_targets(settings.config_dir, settings.simulator_url)]


@activity.defn
def deliver(delivery: DeliveryInput) -> DeliveryAck:
    key = f"{delivery.case_id}:{delivery.target}:{delivery.action}"
    try:
        response = _http.post(
            f"{delivery.base_url}/deliveries",
            json={"record_id": delivery.record_id, "action": delivery.action, "reason": delivery.reason,
                  "case_id": delivery.case_id},
            headers={"Idempotency-Key": key},
        )
    except httpx.HTTPError as exc:
        raise ApplicationError(f"{delivery.target_name} unreachable: {type(exc).__name__}",
                               type="TargetUnavailable") from exc
    if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
        raise ApplicationError(f"{delivery.target_name} refused the delivery: {response.status_code} "
                               f"{response.text[:200]}", type="DeliveryRefused", non_retryable=True)
    if response.status_code >= 300:
        raise ApplicationError(f"{delivery.target_name} answered {response.status_code}", type="TargetUnavailable")
    body = response.json()
    ack = DeliveryAck(target=delivery.target, target_name=delivery.target_name, ack_id=str(body["ack_id"]),
                      acknowledged_at=datetime.now(UTC))
    with session_scope(engine_for(get_settings().db_url)) as session:
        store_cases.save_ack(session, case_id=delivery.case_id, target=ack.target, target_name=ack.target_name,
                             ack_id=ack.ack_id, acknowledged_at=ack.acknowledged_at, action=delivery.action)
    return ack
