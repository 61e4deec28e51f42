"""The daily sweep's activities: select by index pages, remind by SMS (once per record and eligibility
date), end publication past the maximum (told to every site like a repair), keep the day's figures.

Each is idempotent: reminders are keyed `eligible_soon:<record>:<eligible_from>` in the store and at the
message centre; a record leaves the "past maximum" selection only after every site acknowledged the
`unpublish` delivery (keyed `<record>:<target>:unpublish`), so a sweep killed halfway and run again
finishes the work without doing any of it twice.
"""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.messages import message_text, send_sms
from activities.shared import post_delivery, transaction
from config.loader import load_policy, load_targets
from config.settings import get_settings
from contracts.sweep import EndedBatch, FiguresInput, PaymentsAsked, SweepIds, SweepPage, SweepSend, UploadsToPurge
from domain.clock import chinese_date
from domain.eligibility import ends_at_maximum
from domain.errors import DomainError
from domain.materials import unattached_purge_before
from services import payments
from store import materials as store_materials
from store import monitoring as store_monitoring
from store import records as store_records
from store.models import RecordDelivery, SmsMessage


@activity.defn
def select_reminders(page: SweepPage) -> SweepIds:
    after = (page.after_date, page.after_id) if page.after_date and page.after_id else None
    with transaction() as session:
        rows = store_monitoring.due_for_reminder(session, page.day, page.window_days, after, page.limit)
    return SweepIds(ids=[i for _, i in rows], last_date=rows[-1][0] if rows else None,
                    last_id=rows[-1][1] if rows else None)


@activity.defn
def send_reminders(batch: SweepSend) -> int:
    """One SMS per record: when it becomes eligible and where to apply. Answers how many were sent now."""
    settings = get_settings()
    sent = 0
    for n, record_id in enumerate(batch.record_ids):
        with transaction() as session:
            record = store_records.get(session, record_id)
        if record is None or not record.contact_phone or record.state != "published":
            continue
        eligible = chinese_date(record.eligible_from)
        text = message_text(settings, "eligible_soon", name=record.subject_name, record_no=record.record_no,
                            eligible_from=eligible)
        key = f"eligible_soon:{record.id}:{record.eligible_from.isoformat()}"
        sent += send_sms(settings, SmsMessage(id=key, record_id=record.id, purpose="eligible_soon",
                                              phone=record.contact_phone, text=text, sweep_day=batch.day,
                                              created_at=datetime.now(UTC))) == "sent"
        activity.heartbeat(n)
    return sent


@activity.defn
def select_past_maximum(page: SweepPage) -> SweepIds:
    after = (page.after_date, page.after_id) if page.after_date and page.after_id else None
    with transaction() as session:
        rows = store_monitoring.past_maximum(session, page.day, after, page.limit)
    last = rows[-1] if rows else None
    return SweepIds(ids=[r.id for r in rows], last_date=last.max_publicity_end if last else None,
                    last_id=last.id if last else None)


@activity.defn
def end_publication(batch: SweepSend) -> EndedBatch:
    """Stops publishing each record past its maximum period: every site is told (`unpublish`), then the hub
    marks it. A record whose obligations are known to be unfulfilled is reported instead (the sector's
    rules decide), never silently dropped."""
    settings = get_settings()
    targets = load_targets(settings.config_dir, settings.simulator_url)
    ended, reported = 0, []
    for n, record_id in enumerate(batch.record_ids):
        with transaction() as session:
            record = store_records.get(session, record_id)
        if record is None or record.state not in store_monitoring.IN_PUBLICITY:
            continue
        if not ends_at_maximum(record.obligations_fulfilled):
            reported.append(record.id)
            continue
        try:
            for target in targets:
                key = f"{record.id}:{target.code}:unpublish"
                body: dict[str, object] = {"record_id": record.id, "action": "unpublish",
                                           "reason": "最长公示期届满，停止公示", "decided_at": batch.day.isoformat()}
                ack = post_delivery(target.base_url, target.name, key, body)
                with transaction() as session:  # kept, so the reconciliation can send it again under its key
                    store_records.keep_delivery(session, RecordDelivery(
                        id=key, record_id=record.id, target=target.code, target_name=target.name, action="unpublish",
                        ack_id=str(ack.get("ack_id", "")), acknowledged_at=datetime.now(UTC), payload=body))
        except ApplicationError as err:
            if err.type != "DeliveryRefused":
                raise  # an outage: the activity is retried, the sites already told apply it once
            activity.logger.warning("record %s stays in publicity: %s", record.id, err.message)
            continue  # a site refused: tomorrow's sweep tries again; the others applied it once
        with transaction() as session:
            store_monitoring.mark_unpublished(session, record.id)
        ended += 1
        activity.heartbeat(n)
    return EndedBatch(ended=ended, reported=reported)


@activity.defn
def select_unattached_uploads(page: SweepPage) -> UploadsToPurge:
    """Uploads no application took within config/policy.yaml's `materials.unattached_kept_days`, by the
    real clock (an operator's sweep for a past day purges by today's age, not that day's)."""
    settings = get_settings()
    before = unattached_purge_before(datetime.now(UTC), load_policy(settings.config_dir).uploads)
    with transaction() as session:
        rows = store_materials.unattached_before(session, before, page.after_id, page.limit)
    return UploadsToPurge(ids=[r.id for r in rows], digests=sorted({r.sha256 for r in rows}),
                          last_id=rows[-1].id if rows else None)


@activity.defn
def purge_uploads(batch: UploadsToPurge) -> int:
    """Deletes the rows (those still unattached), then the files no row uses. Run again after a kill, it
    deletes nothing twice and finishes the files."""
    with transaction() as session:
        purged = store_materials.delete_unattached(session, batch.ids)
    with transaction() as session:
        store_materials.drop_unused_files(session, get_settings().materials_dir, set(batch.digests))
    return purged


@activity.defn
def keep_figures(inp: FiguresInput) -> dict:
    from config.loader import load_monitoring

    settings = get_settings()
    monitoring = load_monitoring(settings.config_dir)
    with transaction() as session:
        values = store_monitoring.figures(session, inp.day, int(monitoring["reminder_window_days"]),
                                          int(monitoring["follow_up_days"]))
        values["sweep"] = {"reminded": inp.reminded, "ended": inp.ended, "max_reached_unfulfilled": len(inp.reported),
                           "max_reached_unfulfilled_ids": inp.reported[:100],
                           "max_reached_unfulfilled_issuers": store_monitoring.issuers_of(session, inp.reported[:100])}
        store_monitoring.save_figures(session, inp.day, values, datetime.now(UTC))
    return values


GIVE_UP_AFTER = 5  # the payment platform failing the first five asks of a page is down for the day


@activity.defn
def select_unpaid_fines(page: SweepPage) -> SweepIds:
    with transaction() as session:
        rows = store_records.unpaid_fines(session, page.after_id, page.limit)
    return SweepIds(ids=[r.id for r in rows], last_id=rows[-1].id if rows else None)


@activity.defn
async def ask_payments(batch: SweepSend) -> PaymentsAsked:
    """The payment platform asked about each fine of the page (services/payments.confirm_if_paid): a fine paid
    in full marks the record's obligations fulfilled, so its application asks for no receipt. The platform
    down for a record is counted, not retried: tomorrow's sweep asks again."""
    settings = get_settings()
    confirmed = unavailable = 0
    for i, record_id in enumerate(batch.record_ids):
        try:
            confirmed += await payments.confirm_if_paid(settings, record_id, batch.day)
        except DomainError:
            unavailable += 1
            if unavailable >= GIVE_UP_AFTER and unavailable == i + 1:  # down, not one bad answer: stop asking
                return PaymentsAsked(confirmed=confirmed, unavailable=len(batch.record_ids) - confirmed)
        activity.heartbeat(record_id)
    return PaymentsAsked(confirmed=confirmed, unavailable=unavailable)
