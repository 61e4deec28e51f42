"""What the activity modules share: a transaction on this process's store, and one HTTP client.

One client for the process (httpx clients are thread-safe): making one per call costs about 60 ms of CPU
(it loads the CA bundle), more than a delivery itself, and throws its kept-alive connections away.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlmodel import Session
from temporalio.exceptions import ApplicationError

from config.settings import get_settings
from store.db import engine_for, session_scope

http = httpx.Client(timeout=20, limits=httpx.Limits(max_connections=64, max_keepalive_connections=32))


@contextmanager
def transaction() -> Iterator[Session]:
    with session_scope(engine_for(get_settings().db_url)) as session:
        yield session


def post_delivery(base_url: str, target_name: str, key: str, payload: dict[str, Any]) -> dict[str, Any]:
    """POSTs one delivery to a sync target with its Idempotency-Key; answers the target's acknowledgement.

    A refusal (4xx) is `DeliveryRefused`, not retryable: the target will refuse it again. Outages and
    timeouts are `TargetUnavailable`, retried."""
    return post_keyed(f"{base_url}/deliveries", target_name, key, payload, refused="DeliveryRefused")


def post_keyed(url: str, who: str, key: str, payload: dict[str, Any], *, refused: str,
               headers: dict[str, str] | None = None) -> dict[str, Any]:
    """POSTs `payload` with its Idempotency-Key to a system outside ours (a site, a vertical system): a 4xx
    but 408/429 is the `refused` error type, not retried (it would be refused again); an outage, a timeout
    or a 5xx is `TargetUnavailable`, retried by the activity's policy."""
    try:
        response = http.post(url, json=payload, headers={"Idempotency-Key": key, **(headers or {})})
    except httpx.HTTPError as exc:
        raise ApplicationError(f"{who} unreachable: {type(exc).__name__}", type="TargetUnavailable") from exc
    if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
        raise ApplicationError(f"{who} refused: {response.status_code} {response.text[:200]}",
                               type=refused, non_retryable=True)
    if response.status_code >= 300:
        raise ApplicationError(f"{who} answered {response.status_code}", type="TargetUnavailable")
    return dict(response.json())
