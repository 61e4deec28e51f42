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
from config.loader import load_directory, load_letter_texts, load_policy
from config.settings import Settings, get_settings
from contracts.letters import ProgressSms, RecordSms
from domain.clock import chinese_date
from domain.identifiers import mask_phone
from domain.query_code import shown
from domain.text import as_clause
from store import cases as store_cases
from store import messages as store_messages
from store import records as store_records
from store.models import RepairCase, SmsMessage

REASON_IN_SMS = 60  # characters of a caseworker's reason an SMS carries; the page shows it whole


def sms_text(settings: Settings, purpose: str, **values: str) -> str:
    """config/letters.yaml's `sms` text of the purpose (folded from YAML's lines) with the values filled in."""
    texts = load_letter_texts(settings.config_dir)
    template = " ".join(texts["sms"][purpose].split()).replace(" ", "")
    return template.format(link=texts["apply_link"], **values)


def message_text(settings: Settings, purpose: str, *, name: str, record_no: str, eligible_from: str) -> str:
    return sms_text(settings, purpose, name=name, record_no=record_no, date=eligible_from)


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


def _acceptance_days(settings: Settings, case: RepairCase | None) -> int:
    """The acceptance limit the text promises: the case's track's (an objection's), else the general one."""
    policy = load_policy(settings.config_dir)
    return policy.case_limits(case.track).acceptance if case is not None else policy.time_limits.acceptance


@activity.defn
def send_progress_sms(request: ProgressSms) -> str:
    """The SMS of one step of an application (filed, a supplement asked, decided, off every site) to the
    phone given with it, with the query code; "no_phone" when the application has none."""
    settings = get_settings()
    with transaction() as session:
        app = store_cases.get_application(session, request.application_id)
        case = store_cases.get_case(session, request.case_id) if request.case_id else None
        record = store_records.get(session, case.record_id) if case is not None else None
        count = len(store_cases.cases_of(session, request.application_id)) if not request.case_id else 0
    if app is None or (request.case_id and (case is None or record is None)):
        raise ApplicationError(f"application {request.application_id} or its case is not in the store",
                               type="NotProjected")  # retried: the filing's rows are written before any workflow
    if not app.contact_phone:
        return "no_phone"
    values = {"name": app.subject_name, "code": shown(app.query_code or ""),
              "reason": as_clause(request.reason, REASON_IN_SMS), "count": str(count),
              "days": str(_acceptance_days(settings, case)),
              "record_no": record.record_no if record else "",
              "handler": load_directory(settings.config_dir).name_of(case.handler) if case else ""}
    text = sms_text(settings, request.purpose, **values)
    return send_sms(settings, SmsMessage(id=request.key, record_id=record.id if record else None,
                                         purpose=request.purpose, phone=app.contact_phone, text=text,
                                         created_at=datetime.now(UTC)))
