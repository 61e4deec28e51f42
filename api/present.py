"""Turns table rows into API models, masking personal data on the way out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from api.schemas import EligibilityPublic, RecordPublic, RecordWithdrawal, SubjectPublic
from config.rules import Rules
from domain.errors import DomainError
from domain.identifiers import mask_id_number, mask_phone
from domain.materials import needs_proof
from domain.payments import check_offered
from domain.withdrawal import CAUSE_LABELS, WithdrawalCause
from services.payments import CONFIRMED_BY as PAYMENT_PLATFORM
from store import records as store_records
from store.models import CreditRecord


def record_eligibility(row: CreditRecord, today: date) -> EligibilityPublic:
    result = store_records.eligibility_of(row, today)
    return EligibilityPublic(
        eligible=result.eligible,
        eligible_from=result.eligible_from,
        reasons=[r.message for r in result.reasons],
        reason_codes=[r.code for r in result.reasons],
    )


def authority_name(rules: Rules, code: str) -> str:
    return rules.directory.name_of(code)


def record_public(row: CreditRecord, rules: Rules, today: date | None = None) -> RecordPublic:
    person = row.subject_kind == "person"
    eligible = record_eligibility(row, today) if today else None
    proof = needs_proof(row.kind, row.penalty_types, row.obligations_fulfilled)
    return RecordPublic(
        id=row.id,
        kind=row.kind,
        record_no=row.record_no,
        issuer=row.issuer,
        issuer_name=authority_name(rules, row.issuer),
        severity=row.severity,
        decided_on=row.decided_on,
        subject=SubjectPublic(
            kind=row.subject_kind,
            uscc=None if person else row.subject_key,
            id_number_masked=mask_id_number(row.subject_key) if person else None,
            name=row.subject_name,
            contact_phone_masked=mask_phone(row.contact_phone) if row.contact_phone else None,
        ),
        penalty_types=row.penalty_types,
        fine_amount=row.fine_amount,
        summary=row.summary,
        min_publicity_end=row.min_publicity_end,
        max_publicity_end=row.max_publicity_end,
        eligible_from=row.eligible_from,
        repairable=row.repairable,
        repair_channel=row.repair_channel,
        handler=row.handler,
        handler_name=authority_name(rules, row.handler),
        state=row.state,
        open_case_id=row.open_case_id,
        registered_at=row.registered_at,
        eligibility=eligible,
        needs_proof=proof,
        payment_check=eligible is not None and check_offered(
            fine=row.fine_amount, eligible=eligible.eligible, needs_proof=proof, reasons=eligible.reason_codes,
            has_open_case=row.open_case_id is not None),
        track=_track(rules, row),
        obligations_confirmed_on=row.obligations_confirmed_on,
        obligations_confirmed_source=None if row.obligations_confirmed_on is None else (
            "payment_platform" if row.obligations_confirmed_by == PAYMENT_PLATFORM else "issuer"),
        withdrawal=record_withdrawal(row),
        version=row.version,
    )


def record_withdrawal(row: CreditRecord) -> RecordWithdrawal | None:
    """The withdrawal of a record, once the hub has marked it (RecordWithdrawalWorkflow's first step)."""
    if row.withdrawn_at is None or row.withdrawal_cause is None:
        return None
    cause = WithdrawalCause(row.withdrawal_cause)
    return RecordWithdrawal(cause=cause.value, cause_label=CAUSE_LABELS[cause], basis=row.withdrawal_basis or "",
                            reason=row.withdrawal_reason, requested_at=row.withdrawn_at, due=row.withdrawal_due,
                            done_at=row.withdrawal_done_at, overdue=row.withdrawal_overdue)


def penalty_line(penalty_types: list[str], fine_amount: Decimal | None) -> str:
    """What the penalty was, as a person says it: "警告、罚款 20,000.00 元", the fine once with its amount in
    thousands (not "罚款，罚款 20000 元"); empty for a record that is no penalty."""
    fine = f"罚款 {fine_amount:,.2f} 元" if fine_amount else ""
    kinds = [k for k in penalty_types if not (fine and k == "罚款")]
    return "、".join(kinds + ([fine] if fine else []))



def _track(rules: Rules, row: CreditRecord) -> str:
    """The record's track, or "" for one registered under a config that had its track and this one has not
    (the read must not fail: a new application for it is refused at filing, with the reason)."""
    try:
        return rules.track_of(row.kind, row.issuer).key
    except DomainError:
        return ""
