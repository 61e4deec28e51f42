"""What happens to a record after registration, as its issuer tells it (issue 11, a record's whole life): the
obligations confirmed fulfilled later (a fine paid after the decision was published), so an application for
it asks for no proof and the eligibility rule stops naming unpaid obligations; and the record withdrawn
because its decision was revoked or annulled (domain/withdrawal.py), taken off every site by its own
workflow; and corrected (domain/correction.py), versioned, the new content sent to every site. Idempotent:
told again, each answers the record as it is; only the issuer (or the admin) may."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime

from sqlmodel import Session
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from config.settings import Settings
from contracts.record import (
    RECORD_CORRECTION_WORKFLOW,
    RECORD_WITHDRAWAL_WORKFLOW,
    CorrectionInput,
    WithdrawalInput,
    correction_workflow_id,
    withdrawal_workflow_id,
)
from domain.access import Principal, can_register_record
from domain.correction import changes
from domain.errors import Code, DomainError
from domain.withdrawal import WithdrawalCause
from services.db import in_session
from services.temporal import Temporal
from store import records as store_records
from store.models import CreditRecord

log = logging.getLogger("xiufu.intake")


def confirm_obligations(session: Session, principal: Principal, record_id: str, fulfilled_on: date,
                        today: date) -> tuple[CreditRecord, bool]:
    """The record and whether this call changed it. Another issuer's integrator learns nothing of the record
    (404, as for a record that does not exist); a day after today is refused, and nothing is stored."""
    row = issuers_record(session, principal, record_id)
    if fulfilled_on > today:
        raise DomainError(Code.FULFILLED_IN_FUTURE)
    if not store_records.confirm_fulfilled(session, row, fulfilled_on, principal.sub):
        return row, False
    log.info("record %s: obligations confirmed fulfilled on %s by %s", row.id, fulfilled_on, principal.role.value)
    return row, True


def issuers_record(session: Session, principal: Principal, record_id: str) -> CreditRecord:
    """A record its issuer (its integrator, or the admin) acts on; anyone else learns nothing of it (404)."""
    row = store_records.get(session, record_id)
    if row is None or not can_register_record(principal, row.issuer):
        raise DomainError(Code.NOT_FOUND, "失信信息不存在或无权操作")
    return row


async def withdraw(settings: Settings, temporal: Temporal, principal: Principal, record_id: str, *,
                   cause: WithdrawalCause, basis: str, reason: str, now: datetime) -> tuple[CreditRecord, bool]:
    """Starts the record's withdrawal (RecordWithdrawalWorkflow, one per record: it marks the record, closes
    its open case, takes it off every site within the limit and tells the subject); answers the record and
    whether this call started it. Nothing is stored here: Temporal down is 503 and nothing happened, a
    start taken is carried out whatever happens to this process afterwards."""
    row = await in_session(settings, lambda s: issuers_record(s, principal, record_id))
    if row.withdrawn_at is not None:
        return row, False
    client = await temporal.client()
    try:
        await asyncio.wait_for(client.start_workflow(
            RECORD_WITHDRAWAL_WORKFLOW, WithdrawalInput(record_id=record_id, cause=cause.value, basis=basis,
                                                        reason=reason, by=principal.sub, by_role=principal.role,
                                                        at=now),
            id=withdrawal_workflow_id(record_id), task_queue=settings.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE), timeout=5)
    except WorkflowAlreadyStartedError:
        return row, False
    except Exception:  # noqa: BLE001 - Temporal did not answer: sent again, a start it took answers 200
        raise DomainError(Code.TEMPORAL_UNAVAILABLE) from None
    log.info("record %s: withdrawal started (%s) by %s", record_id, cause.value, principal.role.value)
    return row, True


def _current(row: CreditRecord) -> dict[str, str | None]:
    return {"subject_name": row.subject_name, "summary": row.summary,
            "fine_amount": None if row.fine_amount is None else f"{row.fine_amount:.2f}"}


def correction_of(row: CreditRecord, asked: dict[str, str | None], reason: str, principal: Principal,
                  now: datetime, case_id: str = "") -> CorrectionInput:
    """The record's next version as `asked` changes it (refused: a field that cannot be corrected, nothing
    changed, a withdrawn record), by the issuer or, deciding an objection, by its handler (`case_id`)."""
    if row.withdrawn_at is not None:
        raise DomainError(Code.RECORD_WITHDRAWN, "该信息所依据的决定已被撤销，不能更正")
    return CorrectionInput(record_id=row.id, version=row.version + 1, changes=changes(_current(row), asked),
                           reason=reason, by=principal.sub, by_role=principal.role, at=now, case_id=case_id)


async def correct(settings: Settings, temporal: Temporal, principal: Principal, record_id: str, *,
                  asked: dict[str, str | None], reason: str, now: datetime) -> tuple[CreditRecord, CorrectionInput]:
    """Starts the record's correction (RecordCorrectionWorkflow, one per version: it applies the correction,
    keeps the version and sends the new content to every site); answers the record as it was and the
    correction started. Refused before anything starts: another issuer's record (404), a field that cannot be
    corrected or nothing changed (422), a withdrawn record (422), another correction of the same version
    under way (409)."""
    row = await in_session(settings, lambda s: issuers_record(s, principal, record_id))
    correction = correction_of(row, asked, reason, principal, now)
    client = await temporal.client()
    try:
        await asyncio.wait_for(client.start_workflow(
            RECORD_CORRECTION_WORKFLOW, correction, id=correction_workflow_id(record_id, correction.version),
            task_queue=settings.task_queue, id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE), timeout=5)
    except WorkflowAlreadyStartedError:
        raise DomainError(Code.CORRECTION_IN_PROGRESS) from None
    except Exception:  # noqa: BLE001 - Temporal did not answer: nothing was corrected; send it again later
        raise DomainError(Code.TEMPORAL_UNAVAILABLE) from None
    log.info("record %s: correction v%s started (%s) by %s", record_id, correction.version,
             ",".join(correction.changes), principal.role.value)
    return row, correction
