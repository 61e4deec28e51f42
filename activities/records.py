"""A record's own side effects after registration (RecordWithdrawalWorkflow, RecordCorrectionWorkflow): the
record marked withdrawn in the hub, or corrected and versioned; each site told to take it off or to show the
new content (the same delivery port as a repair, keyed by the record, the site and the action,
so a retried delivery is applied once), the time limit's overdue mark told to the supervisors, the end kept.
Each is idempotent: marking twice keeps the first moment, a delivery acknowledged is kept once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.shared import post_delivery, transaction
from config.loader import load_directory
from config.rules import rules_for
from config.settings import get_settings
from contracts.case import DeliveryAck
from contracts.record import CorrectionInput, RecordDeliveryInput, WithdrawalInput, WithdrawnRecord
from domain.clock import beijing_date
from domain.model import RecordState
from store import cases as store_cases
from store import records as store_records
from store.models import Notification, RecordDelivery, RecordVersion


@activity.defn
def mark_withdrawn(inp: WithdrawalInput) -> WithdrawnRecord:
    """The record no longer published in the hub (its state `withdrawn`, with why and on what document) and
    the day every site must have taken it off by; answers the case still open for it, to be closed."""
    settings = get_settings()
    rules = rules_for(settings.config_dir)
    with transaction() as session:
        row = store_records.get(session, inp.record_id)
        if row is None:
            raise ApplicationError(f"record {inp.record_id} is not in the store", type="RecordUnknown",
                                   non_retryable=True)
        if row.withdrawn_at is None:  # a retried activity keeps the first moment, and so its limit
            row.state = RecordState.WITHDRAWN.value
            row.withdrawal_cause, row.withdrawal_basis = inp.cause, inp.basis
            row.withdrawal_reason, row.withdrawn_at = inp.reason or None, inp.at
        since, workdays = beijing_date(row.withdrawn_at or inp.at), rules.policy.time_limits.record_withdrawal
        row.withdrawal_due = rules.calendar.add_workdays(since, workdays).due
        session.add(row)
        return WithdrawnRecord(open_case_id=row.open_case_id, since=since, workdays=workdays)


@activity.defn
def deliver_record(delivery: RecordDeliveryInput) -> DeliveryAck:
    action = f"{delivery.action}:v{delivery.version}" if delivery.version else delivery.action
    key = f"record:{delivery.record_id}:{delivery.target}:{action}"
    payload: dict[str, object] = {"record_id": delivery.record_id, "action": delivery.action, "reason": delivery.reason}
    if delivery.content is not None:
        payload |= {"content": delivery.content, "version": delivery.version}
    body = post_delivery(delivery.base_url, delivery.target_name, key, payload)
    ack = DeliveryAck(target=delivery.target, target_name=delivery.target_name, ack_id=str(body["ack_id"]),
                      acknowledged_at=datetime.now(UTC))
    with transaction() as session:
        store_records.keep_delivery(session, RecordDelivery(
            id=key, record_id=delivery.record_id, target=delivery.target, target_name=delivery.target_name,
            action=action, ack_id=ack.ack_id, acknowledged_at=ack.acknowledged_at, payload=payload))
    return ack


@activity.defn
def withdrawal_overdue(record_id: str) -> None:
    """The sites have not all taken a withdrawn record off within the limit: marked, and the supervisors of
    the issuer's city and of the province told (once each)."""
    settings = get_settings()
    with transaction() as session:
        row = store_records.get(session, record_id)
        if row is None:
            return
        row.withdrawal_overdue = True
        session.add(row)
        issuer = load_directory(settings.config_dir).get(row.issuer)
        city = (issuer.region[:4] + "00") if issuer else "320000"
        message = (f"已撤销的信息 {row.record_no}（{issuer.name if issuer else row.issuer}）未在期限"
                   f"（{row.withdrawal_due}）内从全部信用网站撤下，请督办")
        for scope in sorted({city, "320000"}):
            store_cases.notify_once(session, Notification(
                id=f"withdrawal-overdue:{record_id}:{scope}", recipient_role="supervisor", recipient_scope=scope,
                case_id=None, message=message, created_at=datetime.now(UTC)))


@activity.defn
def withdrawal_done(record_id: str) -> date | None:
    """Every site has taken the record off: the moment kept (the first one, on a retry)."""
    with transaction() as session:
        row = store_records.get(session, record_id)
        if row is None:
            return None
        if row.withdrawal_done_at is None:
            row.withdrawal_done_at = datetime.now(UTC)
            session.add(row)
        return beijing_date(row.withdrawal_done_at)


@activity.defn
def apply_correction(inp: CorrectionInput) -> bool:
    """The correction applied to the hub's record and kept as its version, once: a retry finds its version
    there and changes nothing (True either way); a record that moved to another version meanwhile, or whose
    version another correction made (an objection's and the issuer's at once), is `Superseded`, not retried."""
    with transaction() as session:
        row = store_records.get(session, inp.record_id, for_update=True)
        if row is None:
            raise ApplicationError(f"record {inp.record_id} is not in the store", type="RecordUnknown",
                                   non_retryable=True)
        made = session.get(RecordVersion, f"{inp.record_id}:v{inp.version}")
        if made is not None:
            if made.corrected_by == inp.by and made.changes == {k: list(v) for k, v in inp.changes.items()}:
                return True
            raise ApplicationError(f"record {inp.record_id} version {inp.version} was made by another correction",
                                   type="Superseded", non_retryable=True)
        if row.version != inp.version - 1:
            raise ApplicationError(f"record {inp.record_id} is at version {row.version}, not {inp.version - 1}",
                                   type="Superseded", non_retryable=True)
        for field, (_, new) in inp.changes.items():
            setattr(row, field, Decimal(new) if field == "fine_amount" and new is not None else new)
        row.version = inp.version
        session.add(row)
        session.add(RecordVersion(id=f"{inp.record_id}:v{inp.version}", record_id=inp.record_id, version=inp.version,
                                  changes={k: list(v) for k, v in inp.changes.items()}, reason=inp.reason,
                                  corrected_by=inp.by, corrected_at=inp.at, case_id=inp.case_id or None))
    return True
