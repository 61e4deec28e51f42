"""ReminderSweepWorkflow on the time-skipping server for several days in turn, with the real
activities (store on SQLite, the message centre and the sites of the simulator over HTTP)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import sqlalchemy as sa
from sqlmodel import Session

from config.rules import rules_for
from config.settings import get_settings
from contracts.sweep import SweepInput, SweepResult
from domain.access import Principal
from domain.clock import beijing_date
from domain.model import Role
from domain.periods import add_months
from services.commands import RecordCreate
from services.registering import register
from store import materials as store_materials
from store.db import engine_for, session_scope
from store.models import CreditRecord, Material
from tests import factories
from worker import sweep_settings
from workflows.reminder_sweep import ReminderSweepWorkflow

ADMIN = Principal("admin", Role.ADMIN)


def record(today: date, decided_on: date, phone: str | None = "13912345678", **over) -> CreditRecord:
    settings = get_settings()
    subject = {"uscc": factories.uscc(), "name": "徐州示例物流有限公司", **({"contact_phone": phone} if phone else {})}
    body = factories.record_body(issuer="320300-transport", decided_on=str(decided_on), subject=subject, **over)
    with session_scope(engine_for(settings.db_url)) as session:
        row, _ = register(session, rules_for(settings.config_dir), ADMIN, RecordCreate(**body), today,
                          datetime.now(UTC))
        return row


def stored(record_id: str) -> CreditRecord:
    with Session(engine_for(get_settings().db_url)) as s:
        return s.get(CreditRecord, record_id)


def delivered(simulator_url: str) -> dict[str, int]:
    return httpx.get(f"{simulator_url}/message-centre/messages").json()["delivered"]


async def sweep(env, queue: str, day: date | None = None) -> SweepResult:
    return await env.client.execute_workflow(
        ReminderSweepWorkflow.run, args=[SweepInput(day=day), sweep_settings(get_settings().config_dir)],
        id=f"sweep-test-{uuid.uuid4().hex[:8]}", task_queue=queue, result_type=SweepResult)


async def test_reminds_once_ends_publication_at_the_maximum_and_keeps_figures(env, worker, simulator_url):
    today = beijing_date(await env.get_current_time())  # the test server's clock, skipped ahead by other tests
    soon = record(today, add_months(today, -3) + timedelta(days=3))  # general: eligible in 3 or 4 days
    assert today < soon.eligible_from <= today + timedelta(days=7)
    later = record(today, add_months(today, -3) + timedelta(days=20))  # eligible in about 20 days
    no_phone = record(today, add_months(today, -3) + timedelta(days=3), phone=None)
    repaired = record(today, add_months(today, -3) + timedelta(days=2))
    with session_scope(engine_for(get_settings().db_url)) as s:
        s.execute(sa.update(CreditRecord).where(CreditRecord.id == repaired.id).values(state="repaired"))
    expired = record(today, add_months(today, -12) - timedelta(days=3))  # general: one year, now past
    unfulfilled = record(today, add_months(today, -12) - timedelta(days=3), obligations_fulfilled=False)

    # The day is given, as `xiufu sweep --today` does: the shared test server's clock jumps ahead (by years
    # over a session) with what other tests leave behind.
    first = await sweep(env, worker, today)
    sent = delivered(simulator_url)
    assert sent[f"eligible_soon:{soon.id}:{soon.eligible_from}"] == 1
    assert not any(k.startswith(f"eligible_soon:{r.id}:") for r in (later, no_phone, repaired) for k in sent)
    assert stored(expired.id).state == "unpublished"
    site = httpx.get(f"{simulator_url}/sites/creditchina_js/records/{expired.id}").json()
    assert site["published"] is False and site["removed_by"] == "unpublish"
    assert stored(unfulfilled.id).state == "published"
    assert unfulfilled.id in first.figures["sweep"]["max_reached_unfulfilled_ids"]
    assert first.figures["stock"]["total"] >= 3 and first.figures["stock"]["by_city"]["320300"] >= 3
    assert first.figures["reminded"] >= 1 and first.figures["becoming_eligible"] >= 2

    again = await sweep(env, worker, first.day)  # the same day again: nothing sent twice, nothing ended twice
    assert delivered(simulator_url)[f"eligible_soon:{soon.id}:{soon.eligible_from}"] == 1
    applied = httpx.get(f"{simulator_url}/sites/creditchina_js/deliveries").json()["applied"]
    assert applied[f"{expired.id}:creditchina_js:unpublish"] == 1
    assert again.ended == 0

    # about two weeks on, the later record's window has come
    await sweep(env, worker, first.day + timedelta(days=16))
    sent = delivered(simulator_url)
    assert sent[f"eligible_soon:{later.id}:{later.eligible_from}"] == 1
    assert sent[f"eligible_soon:{soon.id}:{soon.eligible_from}"] == 1


async def test_the_sweep_purges_uploads_no_application_took_past_their_days(env, worker):
    settings = get_settings()
    root = settings.materials_dir
    now = datetime.now(UTC)
    contents = [f"%PDF-sweep-{uuid.uuid4().hex}".encode() for _ in range(3)]
    lone, shared, recent = (store_materials.keep_bytes(root, data) for data in contents)
    ids = {name: f"mat_{uuid.uuid4().hex[:16]}" for name in ("old", "old_shared", "filed", "recent")}

    def row(name: str, digest: str, at: datetime, application_id: str | None = None) -> Material:
        return Material(id=ids[name], sha256=digest, filename="证明.pdf", content_type="application/pdf", size=9,
                        subject_key=factories.uscc(), uploaded_by="applicant:sweep", uploaded_role="applicant",
                        uploaded_at=at, application_id=application_id)

    with session_scope(engine_for(settings.db_url)) as s:
        s.add_all([row("old", lone, now - timedelta(days=10)), row("old_shared", shared, now - timedelta(days=10)),
                   row("filed", shared, now - timedelta(days=10), application_id="app_sweep"),
                   row("recent", recent, now - timedelta(hours=1))])
    result = await sweep(env, worker, beijing_date(now))
    assert result.purged_uploads >= 2
    with Session(engine_for(settings.db_url)) as s:
        assert {m for m in ids.values() if s.get(Material, m)} == {ids["filed"], ids["recent"]}
    assert not store_materials.blob_path(root, lone).exists()
    assert store_materials.blob_path(root, shared).exists() and store_materials.blob_path(root, recent).exists()


async def test_the_sweep_asks_the_payment_platform_about_unpaid_fines(env, worker, simulator_url):
    """A fine the hub does not know to be paid and the platform says paid in full: the record's obligations
    are marked fulfilled (no receipt asked); one paid in part, or unknown to the platform, stays as it was."""
    today = beijing_date(datetime.now(UTC))
    paid = record(today, add_months(today, -4), obligations_fulfilled=None)
    partly = record(today, add_months(today, -4), obligations_fulfilled=False)
    unknown = record(today, add_months(today, -4), obligations_fulfilled=None)
    for row, amount in ((paid, "5000.00"), (partly, "1000.00")):
        httpx.post(f"{simulator_url}/payments/notices", json={
            "decision_no": row.record_no, "amount": amount, "paid": True, "paid_on": str(today - timedelta(days=3)),
            "payer_name": row.subject_name}).raise_for_status()
    result = await sweep(env, worker, today)
    assert result.payments_confirmed >= 1
    assert stored(paid.id).obligations_fulfilled is True
    assert stored(paid.id).obligations_confirmed_by == "payment_platform"
    assert stored(paid.id).obligations_confirmed_on == today - timedelta(days=3)
    assert stored(partly.id).obligations_fulfilled is False and stored(unknown.id).obligations_fulfilled is None
