"""Registering a record (the issuer's integrator, or the admin): validated against the configured rules,
its publicity window and its handler computed, stored once per (issuer, record_no), and its reminder letter
(两书同达) started in the background."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from datetime import date, datetime
from typing import Any

from sqlmodel import Session
from temporalio.client import WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from config.rules import Rules
from contracts.letters import (
    LETTER_BATCH_WORKFLOW,
    PENALTY_NOTICE_WORKFLOW,
    LetterBatchInput,
    NoticeInput,
    notice_workflow_id,
)
from domain.access import Principal, can_register_record
from domain.eligibility import penalised_again
from domain.errors import Code, DomainError
from domain.model import RecordKind
from domain.periods import publicity_window
from domain.routing import route
from services.commands import RecordCreate
from services.temporal import Temporal
from store import records
from store.models import CreditRecord

log = logging.getLogger("xiufu.registering")


def body_hash(payload: RecordCreate) -> str:
    """The fingerprint behind idempotency on (issuer, record_no): the same body again is the same record,
    another body under the same number is a conflict the issuer must resolve."""
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate(rules: Rules, payload: RecordCreate, today: date) -> None:
    if payload.decided_on > today:
        raise DomainError(Code.DECIDED_IN_FUTURE, decided_on=str(payload.decided_on))
    unknown = sorted(set(payload.penalty_types) - rules.policy.penalty_types)
    if unknown:
        raise DomainError(Code.UNKNOWN_PENALTY_TYPE, f"不支持的处罚种类：{'、'.join(unknown)}", penalty_types=unknown)
    if payload.penalty_types and payload.kind is not RecordKind.PENALTY:
        raise DomainError(Code.PENALTY_TYPES_NOT_ALLOWED)


def register(
    session: Session, rules: Rules, principal: Principal, payload: RecordCreate, today: date, now: datetime
) -> tuple[CreditRecord, bool]:
    """The record and whether it is new (the same body again answers the same record, not new); another
    body under the same (issuer, record_no) is RECORD_CONFLICT."""
    if rules.directory.get(payload.issuer) is not None and not can_register_record(principal, payload.issuer):
        raise DomainError(Code.FORBIDDEN, "只有认定单位的对接系统可以登记其作出的失信信息")
    issuer = rules.directory.get(payload.issuer)
    if issuer is None:
        raise DomainError(Code.UNKNOWN_ISSUER, f"认定单位编码 {payload.issuer} 未配置", issuer=payload.issuer)
    validate(rules, payload, today)
    routing = route(rules.policy, rules.directory, kind=payload.kind, issuer=issuer)
    track = rules.policy.track(payload.kind, issuer.sector)  # a kind with no track in the sector: NO_TRACK
    window = publicity_window(
        rules.policy,
        kind=payload.kind,
        severity=payload.severity,
        sector=issuer.sector,
        decided_on=payload.decided_on,
        penalty_types=frozenset(payload.penalty_types),
    )
    digest = body_hash(payload)
    row = CreditRecord(
        id="rec_" + uuid.uuid4().hex[:20],
        issuer=issuer.code,
        record_no=payload.record_no,
        kind=payload.kind.value,
        severity=payload.severity.value,
        decided_on=payload.decided_on,
        subject_key=payload.subject.key,
        subject_kind="enterprise" if payload.subject.uscc else "person",
        subject_name=payload.subject.name,
        contact_phone=payload.subject.contact_phone,
        penalty_types=list(payload.penalty_types),
        fine_amount=payload.fine_amount,
        summary=payload.summary,
        obligations_fulfilled=payload.obligations_fulfilled,
        min_publicity_end=window.min_publicity_end,
        max_publicity_end=window.max_publicity_end,
        eligible_from=window.eligible_from,
        repairable=window.repairable,
        repair_channel=routing.channel.value,
        handler=routing.handler,
        body_hash=digest,
        registered_at=now,
        registered_by=principal.sub,
    )
    stored, created = records.insert_once(session, row)
    if created and "no_repeat" in track.checks:
        _mark_repeats(session, rules, stored, issuer.sector)
    if not created and stored.body_hash != digest:
        raise DomainError(Code.RECORD_CONFLICT,
            f"认定单位 {issuer.code} 的文书号 {payload.record_no} 已登记，且内容不同",
            id=stored.id,
        )
    return stored, created


def _mark_repeats(session: Session, rules: Rules, row: CreditRecord, sector: str) -> None:
    """令第45号 第十四条 (a track checking no_repeat): a penalty is not repaired early when its subject was
    penalised again for the same kind of violation within its publicity period. "The same kind" is read as
    the same sector's penalty (the hub does not know the violation's type: the handler judges, to verify).
    Both ways, as records arrive in any order: this record marks the earlier ones it falls within, and is
    marked by a later one already registered."""
    same = [r for r in records.of_subject(session, row.subject_key) if r.id != row.id and r.kind == row.kind
            and (a := rules.directory.get(r.issuer)) is not None and a.sector == sector]
    for earlier, later in [(other, row) for other in same] + [(row, other) for other in same]:
        marked = penalised_again(earlier.penalised_again_on, decided_on=earlier.decided_on,
                                 max_publicity_end=earlier.max_publicity_end, later=later.decided_on)
        if marked != earlier.penalised_again_on:
            earlier.penalised_again_on = marked
            session.add(earlier)
    session.flush()


NOTICE_KINDS = {RecordKind.PENALTY.value, RecordKind.SERIOUS_LIST.value}  # the ones served with a letter


async def notice(temporal: Temporal, record_id: str, reuse: WorkflowIDReusePolicy) -> WorkflowHandle[Any, Any]:
    """The record's PenaltyNoticeWorkflow, started (or the one already running)."""
    client = await temporal.client()
    return await asyncio.wait_for(client.start_workflow(
        PENALTY_NOTICE_WORKFLOW, NoticeInput(record_id=record_id), id=notice_workflow_id(record_id),
        task_queue=temporal.settings.task_queue, id_reuse_policy=reuse,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING), timeout=5)


async def start_notice(temporal: Temporal, record_id: str) -> None:
    """Starts the record's PenaltyNoticeWorkflow (两书同达) once: its id is the record's, and a finished one
    is not started again. If Temporal does not answer, the letter is made on its first request."""
    try:
        await notice(temporal, record_id, WorkflowIDReusePolicy.REJECT_DUPLICATE)
    except WorkflowAlreadyStartedError:
        pass
    except Exception as exc:  # noqa: BLE001 - the record stands; its letter is made on first request
        log.warning("notice workflow for %s not started (%s): its letter is made on first request",
                    record_id, type(exc).__name__)


async def start_letter_batch(temporal: Temporal, record_ids: list[str]) -> None:
    """The letters of a bulk import, rendered in the background in chunks (no SMS for a bulk import)."""
    try:
        client = await temporal.client()
        await asyncio.wait_for(client.start_workflow(
            LETTER_BATCH_WORKFLOW, LetterBatchInput(record_ids=record_ids), id=f"letters-{uuid.uuid4().hex[:20]}",
            task_queue=temporal.settings.task_queue), timeout=5)
    except Exception as exc:  # noqa: BLE001 - the records stand; each letter is made on its first request
        log.warning("letter batch of %d not started (%s): letters are made on first request", len(record_ids),
                    type(exc).__name__)
