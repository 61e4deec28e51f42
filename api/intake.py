"""Registering a record: validate against the configured rules, compute its window and route, store once."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, datetime

from sqlmodel import Session

from api.errors import ApiError
from api.schemas import RecordCreate
from config.rules import Rules
from domain.access import Principal
from domain.errors import Code, DomainError
from domain.model import RecordKind
from domain.periods import publicity_window
from domain.routing import route
from store import records
from store.models import CreditRecord


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
        raise DomainError(Code.UNKNOWN_PENALTY_TYPE, f"不支持的处罚种类:{'、'.join(unknown)}", penalty_types=unknown)
    if payload.penalty_types and payload.kind is not RecordKind.PENALTY:
        raise DomainError(Code.PENALTY_TYPES_NOT_ALLOWED)


def register(
    session: Session, rules: Rules, principal: Principal, payload: RecordCreate, today: date, now: datetime
) -> tuple[CreditRecord, bool]:
    issuer = rules.directory.get(payload.issuer)
    if issuer is None:
        raise DomainError(Code.UNKNOWN_ISSUER, f"认定单位编码 {payload.issuer} 未配置", issuer=payload.issuer)
    validate(rules, payload, today)
    routing = route(rules.policy, rules.directory, kind=payload.kind, issuer=issuer)
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
    if not created and stored.body_hash != digest:
        raise ApiError(Code.RECORD_CONFLICT,
            f"认定单位 {issuer.code} 的文书号 {payload.record_no} 已登记,且内容不同",
            id=stored.id,
        )
    return stored, created
