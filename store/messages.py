"""The SMS messages the platform sends: one row per idempotency key."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from store.models import SmsMessage


def get_or_add(session: Session, message: SmsMessage) -> SmsMessage:
    found = session.get(SmsMessage, message.id)
    if found is not None:
        return found
    session.add(message)
    session.flush()
    return message


def mark(session: Session, message_id: str, *, status: str, provider_id: str | None = None,
         error: str | None = None, sent_at: datetime | None = None) -> None:
    row = session.get(SmsMessage, message_id)
    if row is not None and row.status != "sent":  # a sent message stays sent
        row.status, row.provider_id, row.error, row.sent_at = status, provider_id, error, sent_at
        session.add(row)


def of_record(session: Session, record_id: str) -> list[SmsMessage]:
    return list(session.exec(select(SmsMessage).where(SmsMessage.record_id == record_id)
                             .order_by(SmsMessage.created_at)))  # type: ignore[arg-type]
