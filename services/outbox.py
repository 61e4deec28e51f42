"""Starting an application's workflow after its rows are committed, and again if that start was lost.

The rows are written first (they reserve the records); the workflow id is the application's, so starting
twice is a no-op. An API killed between the commit and the start, or a Temporal server that is down, leaves
`workflow_started` false, and the next sweep (at start-up, then every minute) starts it: no application is
lost, none runs twice, and an applicant is not turned away because the workflow service is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from sqlmodel import Session
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from config.rules import Rules
from config.settings import Settings
from contracts.application import APPLICATION_WORKFLOW, ApplicationInput, application_workflow_id
from contracts.case import CaseSpec, RestructuringRef, limits_from, limits_of
from domain.model import RequestKind, Role
from store import cases as store_cases
from store.db import engine_for, session_scope
from store.models import Application, CreditRecord, RepairCase, Restructuring

log = logging.getLogger("xiufu.outbox")


def application_input(app: Application, cases: list[RepairCase], records: dict[str, CreditRecord],
                      rules: Rules, restructuring: Restructuring | None = None) -> ApplicationInput:
    """What the application's workflow is started with: each case with its track's limits (the track kept
    with the case at filing; its numbers as the config says at the start, which for a start by the outbox
    is a minute later, not the filing's own moment)."""
    specs = []
    ref = None if restructuring is None else RestructuringRef(kind=restructuring.kind, court=restructuring.court,
                                                               ruling_no=restructuring.ruling_no)
    for c in cases:
        record = records[c.record_id]
        track = rules.track_of_case(c.track, record.kind, record.issuer)
        handled = rules.handled_in(c.handled_in)
        ruling = ref if c.request == RequestKind.RESTRUCTURING else None
        specs.append(CaseSpec(case_id=c.id, record_id=c.record_id, record_no=record.record_no,
                              record_kind=record.kind, handler=c.handler, handler_region=c.handler_region,
                              repair_channel=c.repair_channel, track=track.key, limits=limits_of(track),
                              request=RequestKind(c.request), restructuring=ruling,
                              handled_in=handled.get("handled_in", ""),
                              handled_in_name=handled.get("handled_in_name", "")))
    return ApplicationInput(
        application_id=app.id, subject_key=app.subject_key, channel=app.channel, filed_by=app.filed_by,
        filed_by_role=Role(app.filed_by_role), filed_at=app.filed_at,
        limits=limits_from(rules.policy.time_limits), query_code=app.query_code or "", cases=specs)


async def start_application(client: Client, settings: Settings, inp: ApplicationInput) -> None:
    with contextlib.suppress(WorkflowAlreadyStartedError):  # USE_EXISTING makes this rare: a race, not an error
        await client.start_workflow(
            APPLICATION_WORKFLOW, inp, id=application_workflow_id(inp.application_id),
            task_queue=settings.task_queue, id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
    await asyncio.to_thread(_mark_started, settings, inp.application_id)


def _mark_started(settings: Settings, application_id: str) -> None:
    with session_scope(engine_for(settings.db_url)) as session:
        store_cases.mark_started(session, application_id)


async def sweep_once(client: Client, settings: Settings, rules: Rules, min_age: timedelta) -> int:
    pending = await asyncio.to_thread(_unstarted, settings, rules, min_age)
    for inp in pending:
        await start_application(client, settings, inp)
        log.warning("started the workflow of application %s after an interrupted filing", inp.application_id)
    return len(pending)


def _unstarted(settings: Settings, rules: Rules, min_age: timedelta) -> list[ApplicationInput]:
    with Session(engine_for(settings.db_url)) as session:
        pending = []
        for app in store_cases.unstarted(session):
            filed = app.filed_at if app.filed_at.tzinfo else app.filed_at.replace(tzinfo=UTC)
            if datetime.now(UTC) - filed < min_age:
                continue
            cases = store_cases.cases_of(session, app.id)
            # a case's record is never deleted (its reservation points at it)
            records = {c.record_id: session.get_one(CreditRecord, c.record_id) for c in cases}
            pending.append(application_input(app, cases, records, rules, store_cases.restructuring_of(session, app.id)))
    return pending


async def sweep_forever(get_client: Callable[[Settings], Awaitable[Client]], settings: Settings,
                        rules: Rules) -> None:
    while True:
        try:
            await sweep_once(await get_client(settings), settings, rules,
                             timedelta(seconds=settings.outbox_min_age_s))
        except Exception as exc:  # noqa: BLE001 - Temporal or the database down: try again next round
            log.warning("outbox sweep failed: %s: %s", type(exc).__name__, exc)
        await asyncio.sleep(settings.outbox_every_s)
