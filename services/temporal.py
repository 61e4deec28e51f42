"""The services' way to Temporal: one client per process, made with the project's one data converter, behind
a small `Temporal` object the routes take as a dependency (`api.deps.TemporalDep`), so a test can hand
them the time-skipping server's client instead."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

from temporalio.client import Client, WorkflowExecutionStatus

from config.settings import Settings
from config.temporal import connect
from contracts.case import CaseView, DecisionInput
from domain.errors import Code, DomainError

T = TypeVar("T")

log = logging.getLogger("xiufu.temporal")

_clients: dict[tuple[str, str], Client] = {}
_lock = asyncio.Lock()


async def get_client(settings: Settings) -> Client:
    """One client per process and server (a connection is made once, then shared by every request)."""
    key = (settings.temporal_address, settings.temporal_namespace)
    async with _lock:
        if key not in _clients:
            _clients[key] = await connect(settings)
    return _clients[key]


class Temporal:
    """Connects on first use, not when a route is called: filing an application must still work (and
    leave the start to the outbox) while Temporal is down. A connection that fails is a 503."""

    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self.settings, self._client = settings, client

    async def client(self) -> Client:

        if self._client is not None:
            return self._client
        try:
            return await asyncio.wait_for(get_client(self.settings), timeout=5)
        except Exception:  # noqa: BLE001 - whatever the cause, Temporal cannot be reached now
            raise DomainError(Code.TEMPORAL_UNAVAILABLE) from None


async def temporal_reachable(settings: Settings) -> bool:
    try:
        client = await asyncio.wait_for(get_client(settings), timeout=3)
        await asyncio.wait_for(client.service_client.check_health(), timeout=3)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not reachable" for the health page
        return False


NOT_STARTED_RETRIES = 50  # 0.2 s apart: a parent starts its case workflows within moments of the filing


async def send_decision(temporal: Temporal, case_id: str, decision: DecisionInput) -> CaseView:
    from contracts.case import DECIDE_UPDATE

    return await send_update(temporal, case_id, DECIDE_UPDATE, decision)


async def send_update(temporal: Temporal, case_id: str, update: str, arg: Any) -> CaseView:
    """Sends a decision (or an admin's resync) as the case workflow's Update and answers its CaseView."""
    from contracts.case import case_workflow_id

    return await update_workflow(temporal, case_workflow_id(case_id), update, arg, CaseView)


async def update_workflow(temporal: Temporal, workflow_id: str, update: str, arg: Any, result_type: type[T]) -> T:
    """Sends an Update and answers its result.

    The validator's refusal comes back as an ApplicationError whose type is our stable code: mapped to 403
    (not the caller's to decide), 422 (a reason missing) or 409 (the state does not allow it). A workflow
    not started yet (a case its parent is starting, an application the outbox will start) is retried for a
    few seconds; one that has ended (repaired, denied, withdrawn) is refused at once with 409
    `CASE_CLOSED`, not retried as if it were new.
    """
    from temporalio.client import WorkflowUpdateFailedError
    from temporalio.exceptions import ApplicationError
    from temporalio.service import RPCError, RPCStatusCode

    client = await temporal.client()
    handle = client.get_workflow_handle(workflow_id)
    for _ in range(NOT_STARTED_RETRIES):
        try:
            result: T = await handle.execute_update(update, arg, result_type=result_type)
            return result
        except WorkflowUpdateFailedError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError) and cause.type:
                # the validator's code, from the same catalogue (a type we do not know is a conflict)
                code = cause.type if cause.type in Code.__members__ else Code.ACTION_NOT_ALLOWED
                raise DomainError(code, cause.message) from None
            raise
        except RPCError as err:
            if err.status is not RPCStatusCode.NOT_FOUND:
                raise DomainError(Code.TEMPORAL_UNAVAILABLE) from None
            if await _closed(handle):
                raise DomainError(Code.CASE_CLOSED) from None
            await asyncio.sleep(0.2)
    raise DomainError(Code.CASE_NOT_READY)


async def _closed(handle: Any) -> bool:
    """Whether the workflow exists and has ended (an Update to it answers NOT_FOUND as for one not started)."""
    from temporalio.service import RPCError, RPCStatusCode

    try:
        described = await handle.describe()
    except RPCError as err:
        if err.status is RPCStatusCode.NOT_FOUND:
            return False
        raise DomainError(Code.TEMPORAL_UNAVAILABLE) from None
    return described.status is not WorkflowExecutionStatus.RUNNING


async def made_on_request(started: Awaitable[Any], wait_s: float, what: str, code: Code) -> None:
    """Waits for a workflow that makes a document (a letter, a decision) the worker renders, never the API;
    Temporal down or the worker busy is said as 503 with `code`, for the caller to try again later."""

    try:
        handle = await started
        await asyncio.wait_for(handle.result(), timeout=wait_s)
    except Exception as exc:  # noqa: BLE001 - whatever the cause, the document is not ready now
        log.warning("%s not ready: %s", what, type(exc).__name__)
        raise DomainError(code) from None
