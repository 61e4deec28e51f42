"""Failed sign-ins and bad tokens counted per client: past the configured number within the window, the
client is refused (429 TOO_MANY_ATTEMPTS, with Retry-After) until the window has passed, so a token or a
password cannot be guessed at the speed of the network.

In-process and in memory: each API process counts its own clients. Behind several replicas the limit is
per replica; the gateway in front of them (which sees every request) carries the limit to rely on."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from api.errors import ApiError
from config.settings import Settings
from domain.errors import Code


class Throttle:
    def __init__(self, failures: int, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures, self.window_s, self._clock = failures, window_s, clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _now(self) -> float:
        return self._clock()

    def _recent(self, client: str, now: float) -> deque[float]:
        seen = self._seen.setdefault(client, deque())
        while seen and seen[0] <= now - self.window_s:
            seen.popleft()
        return seen

    def check(self, client: str) -> None:
        """Refuses a client that failed too often lately (before its new attempt is even looked at)."""
        with self._lock:
            now = self._now()
            seen = self._recent(client, now)
            if len(seen) >= self.failures:
                retry = max(1, int(seen[0] + self.window_s - now) + 1)
                raise ApiError(Code.TOO_MANY_ATTEMPTS, f"尝试次数过多，请{retry}秒后再试", retry_after_s=retry)
            if not seen:
                self._seen.pop(client, None)

    def failed(self, client: str) -> None:
        with self._lock:
            now = self._now()
            self._recent(client, now).append(now)
            if len(self._seen) > 100_000:  # a flood of distinct clients: forget the oldest
                self._seen.pop(next(iter(self._seen)))


_throttle: Throttle | None = None


def throttle_for(settings: Settings) -> Throttle:
    global _throttle
    if _throttle is None or (_throttle.failures, _throttle.window_s) != (settings.throttle_failures,
                                                                         settings.throttle_window_s):
        _throttle = Throttle(settings.throttle_failures, settings.throttle_window_s)
    return _throttle


def client_of(scope_or_request: object) -> str:
    client = getattr(scope_or_request, "client", None)
    if client is None and isinstance(scope_or_request, dict):
        client = scope_or_request.get("client")
    return str(client[0]) if client else "unknown"
