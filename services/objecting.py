"""Filing an objection (异议申诉, domain/objection.py): one application with one case on the objection's track,
routed to whoever decided what is objected to, with the objection's grounds kept beside the case.

It is filed as a repair is (services/filing.py: the rows in one transaction, the record reserved for the case,
then the workflow, or the outbox if Temporal does not answer), and differs in what it asks: no minimum period
or obligations, since a wrong record is objected to whenever it is shown; no commitment; a statement of the
facts and reasons, with evidence if the subject has it."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

import sqlalchemy as sa
from anyio import to_thread
from sqlmodel import Session

from config.rules import Rules
from config.settings import Settings
from contracts.application import ApplicationInput
from domain.access import Principal, can_apply_for
from domain.correction import checked_claim
from domain.eligibility import shown_state
from domain.errors import Code, DomainError
from domain.identifiers import checked_subject, mask_phone
from domain.model import RecordState, RequestKind
from domain.objection import ObjectionGround, RefusedCase, check_objection, objection_handler
from domain.transitions import CaseState
from services.filing import Filed, Proof, check_materials, new_case, reserve, start_filed
from services.temporal import Temporal
from store import cases as store_cases
from store import records as store_records
from store.db import engine_for, session_scope
from store.models import Objection

log = logging.getLogger("xiufu.filing")


@dataclass(frozen=True)
class ObjectionAsked:
    subject: str
    record_id: str
    ground: ObjectionGround
    statement: str
    contact_phone: str
    refused_case_id: str | None = None
    claimed: dict[str, str] | None = None  # what the content should be, by field (domain.correction.CORRECTABLE)
    material_ids: tuple[str, ...] = ()


async def file_objection(settings: Settings, rules: Rules, temporal: Temporal, principal: Principal,
                         asked: ObjectionAsked, *, now: datetime, today: date) -> Filed:
    """The subject for itself, or a counter on its behalf. Refused before anything is stored: another
    subject, a record not the subject's, one no site shows any more, a refusal not this record's or objected
    to already, a record with an open case, evidence not the caller's."""
    key = checked_subject(asked.subject)
    if not can_apply_for(principal, key):
        raise DomainError(Code.FORBIDDEN, "只能为本主体提出异议（窗口可代办）")
    asked = replace(asked, claimed=checked_claim(asked.claimed or {}))
    inp = await to_thread.run_sync(lambda: record_objection(settings, rules, principal, key, asked, now, today))
    started = await start_filed(settings, temporal, inp)
    log.info("objection %s (%s) filed by %s, phone %s", inp.cases[0].case_id, asked.ground.value,
             principal.role.value, mask_phone(asked.contact_phone))
    return Filed(inp, started)


def _refused(session: Session, case_id: str | None) -> RefusedCase | None:
    case = store_cases.get_case(session, case_id) if case_id else None
    if case is None:
        return None
    objected = store_cases.objection_of_refusal(session, case.id) is not None
    return RefusedCase(case_id=case.id, record_id=case.record_id, state=CaseState(case.state), handler=case.handler,
                       objected=objected)


def record_objection(settings: Settings, rules: Rules, principal: Principal, subject: str, asked: ObjectionAsked,
                     now: datetime, today: date) -> ApplicationInput:
    """The objection's one transaction (blocking: run it in a thread from async code)."""
    with session_scope(engine_for(settings.db_url)) as session:
        row = store_records.get(session, asked.record_id)
        if row is None or row.subject_key != subject:
            raise DomainError(Code.UNKNOWN_RECORD, record_ids=[asked.record_id])
        refused = _refused(session, asked.refused_case_id) if asked.ground is ObjectionGround.REFUSAL else None
        shown = shown_state(RecordState(row.state), row.max_publicity_end, today)
        check_objection(asked.ground, asked.statement, record_id=row.id, record_state=shown, refused=refused)
        if row.open_case_id:
            raise DomainError(Code.CASE_OPEN, record_ids=[row.id])
        proofs = [Proof(row.id, m) for m in dict.fromkeys(asked.material_ids)]
        check_materials(session, principal, subject, [row], proofs)
        handler = objection_handler(asked.ground, issuer=row.issuer, refused=refused)
        app_id = "app_" + uuid.uuid4().hex[:20]
        case = new_case(rules, app_id, row, handler, rules.policy.objection, now, RequestKind.OBJECTION)
        case_id = case.id
        inp = reserve(session, rules, principal, app_id, [row], [case], asked.contact_phone, proofs, now,
                      purpose="objection")
        session.add(Objection(case_id=case_id, record_id=row.id, ground=asked.ground.value,
                              refused_case_id=refused.case_id if refused else None, statement=asked.statement.strip(),
                              claimed=dict(asked.claimed or {}), filed_at=now))
        try:
            session.flush()
        except sa.exc.IntegrityError:  # the same refusal objected to at the same moment: one objection stands
            raise DomainError(Code.ALREADY_OBJECTED) from None
        return inp
