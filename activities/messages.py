"""SMS through the provincial message centre (an HTTP adapter; the simulator stands in by default).

Sending is idempotent twice over: the message row is keyed by the message's idempotency key (a second
send finds it sent and stops), and the same key goes to the message centre, which delivers a key once,
so a worker killed between the centre's answer and our row's update sends no second SMS on retry.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.shared import http, transaction
from config.loader import load_letter_texts
from config.settings import Settings, get_settings
from contracts.letters import RecordSms
from domain.clock import chinese_date
from domain.identifiers import mask_phone
from store import messages as store_messages
from store import records as store_records
from store.models import SmsMessage


def message_text(settings: Settings, purpose: str, *, name: str, record_no: str, eligible_from: str) -> str:
    texts = load_letter_texts(settings.config_dir)
    template = " ".join(texts["sms"][purpose].split()).replace(" ", "")
    return template.format(name=name, record_no=record_no, date=eligible_from, link=texts["apply_link"])


def send_sms(settings: Settings, message: SmsMessage) -> str:
    """Sends `message` unless it was sent before; answers "sent" (now), "already_sent" or "failed"."""
    with transaction() as session:
        row = store_messages.get_or_add(session, message)
        status, phone, text = row.status, row.phone, row.text
    if status == "sent":
        return "already_sent"
    try:
        response = http.post(f"{settings.sms_url}/messages", json={"phone": phone, "text": text},
                              headers={"Idempotency-Key": message.id})
    except httpx.HTTPError as exc:
        raise ApplicationError(f"message centre unreachable: {type(exc).__name__}", type="SmsUnavailable") from exc
    if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
        with transaction() as session:
            store_messages.mark(session, message.id, status="failed", error=response.text[:500])
        activity.logger.warning("SMS %s to %s refused: %s", message.id, mask_phone(phone), response.status_code)
        return "failed"  # a wrong number stays wrong: kept as failed, not retried
    if response.status_code >= 300:
        raise ApplicationError(f"message centre answered {response.status_code}", type="SmsUnavailable")
    with transaction() as session:
        store_messages.mark(session, message.id, status="sent", provider_id=str(response.json().get("id", "")),
                            sent_at=datetime.now(UTC))
    activity.logger.info("SMS %s sent to %s", message.id, mask_phone(phone))
    return "sent"


@activity.defn
def send_record_sms(request: RecordSms) -> str:
    """The SMS of one purpose for one record, to the record's contact phone; "no_phone" when it has none."""
    settings = get_settings()
    with transaction() as session:
        record = store_records.get(session, request.record_id)
    if record is None or not record.contact_phone:
        return "no_phone"
    key = f"{request.purpose}:{record.id}" + (f":{request.window}" if request.window else "")
    text = message_text(settings, request.purpose, name=record.subject_name, record_no=record.record_no,
                        eligible_from=chinese_date(record.eligible_from))
    return send_sms(settings, SmsMessage(id=key, record_id=record.id, purpose=request.purpose,
                                         phone=record.contact_phone, text=text, created_at=datetime.now(UTC)))
