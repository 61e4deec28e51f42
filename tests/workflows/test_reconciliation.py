"""ReconciliationWorkflow (对账) on the time-skipping server with the real activities: the store on SQLite and
the simulator's sites over HTTP, made to differ from the hub the ways a real site does (a removal dropped
while acknowledged, a restore from an older copy losing a repair and a correction, a department's feed with a
record the hub never heard of, a published record the feed never gave)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa
from sqlmodel import Session, select

from activities.records import deliver_record
from activities.sync import deliver
from config.loader import load_targets
from config.settings import get_settings
from contracts.case import DeliveryInput
from contracts.reconciliation import ReconcileInput, ReconcileResult, ReconcileSettings
from contracts.record import RecordDeliveryInput
from domain.clock import beijing_date
from domain.periods import add_months
from store.db import engine_for, session_scope
from store.models import CreditRecord, SyncDifference
from tests.workflows.conftest import file_application
from workflows.reconciliation import ReconciliationWorkflow


def _target(code: str):  # type: ignore[no-untyped-def]
    settings = get_settings()
    return next(t for t in load_targets(settings.config_dir, settings.simulator_url) if t.code == code)


def _feed(sim: str, site: str, record_id: str, version: int = 1) -> None:
    """The department's feed publishes the record on the site (not the hub: sites are fed by departments)."""
    httpx.post(f"{sim}/sites/{site}/records", json={"record_id": record_id, "subject_key": "x", "version": version}
               ).raise_for_status()


def _site(sim: str, site: str, record_id: str) -> dict:  # type: ignore[type-arg]
    return httpx.get(f"{sim}/sites/{site}/records/{record_id}").json()


def _applied(sim: str, site: str) -> dict[str, int]:
    return httpx.get(f"{sim}/sites/{site}/deliveries").json()["applied"]


def _differences(run_id: str, record_ids: set[str]) -> dict[tuple[str, str], SyncDifference]:
    with Session(engine_for(get_settings().db_url)) as s:
        rows = s.exec(select(SyncDifference).where(SyncDifference.run_id == run_id))
        return {(d.target, d.record_id): d for d in rows if d.record_id in record_ids}


async def _reconcile(env, queue: str) -> ReconcileResult:  # type: ignore[no-untyped-def]
    day = beijing_date(await env.get_current_time())
    return await env.client.execute_workflow(
        ReconciliationWorkflow.run, args=[ReconcileInput(day=day), ReconcileSettings(page=50, batch=2)],
        id=f"reconcile-test-{uuid.uuid4().hex[:8]}", task_queue=queue, result_type=ReconcileResult)


async def test_finds_every_class_mends_what_the_hub_owns_once_and_reports_the_rest(env, worker, simulator_url):
    sim = simulator_url
    filed = file_application(n_records=3)
    repaired, corrected, unfed = (c.record_id for c in filed.cases)
    repair_case = filed.cases[0].case_id
    stranger = "rec_never_heard_of_" + uuid.uuid4().hex[:8]
    cc, pd = _target("creditchina_js"), _target("public_data_js")
    for site in (cc, pd):
        for rid in (repaired, corrected):
            _feed(sim, site.code, rid)
    _feed(sim, cc.code, stranger)

    # the hub repairs one record and corrects another; Credit China takes both, then restores last week's copy
    with session_scope(engine_for(get_settings().db_url)) as s:
        s.execute(sa.update(CreditRecord).where(CreditRecord.id == repaired).values(state="repaired"))
        s.execute(sa.update(CreditRecord).where(CreditRecord.id == corrected).values(version=2))
    httpx.post(f"{sim}/sites/{cc.code}/snapshot").raise_for_status()
    httpx.post(f"{sim}/control/{pd.code}", json={"drop_next": 1}).raise_for_status()
    for site in (cc, pd):
        deliver(DeliveryInput(case_id=repair_case, record_id=repaired, subject_key="x", target=site.code,
                              target_name=site.name, base_url=site.base_url))
    deliver_record(RecordDeliveryInput(record_id=corrected, target=cc.code, target_name=cc.name,
                                       base_url=cc.base_url, action="correct", reason="更正罚款金额",
                                       content={"fine_amount": "500.00"}, version=2))
    assert _site(sim, cc.code, repaired)["published"] is False
    httpx.post(f"{sim}/sites/{cc.code}/restore").raise_for_status()
    assert _site(sim, cc.code, repaired)["published"] is True  # the restore lost the repair and the correction
    assert _site(sim, pd.code, repaired)["published"] is True  # acknowledged, never written

    first = await _reconcile(env, worker)
    ours = {repaired, corrected, unfed, stranger}
    found = _differences(first.run_id, ours)
    assert (found[cc.code, repaired].kind, found[cc.code, repaired].outcome) == ("shown", "redelivered")
    assert found[cc.code, repaired].delivery_key == f"{repair_case}:{cc.code}:repair"
    assert (found[pd.code, repaired].kind, found[pd.code, repaired].outcome) == ("shown", "redelivered")
    assert (found[cc.code, corrected].kind, found[cc.code, corrected].outcome) == ("content", "redelivered")
    assert found[cc.code, corrected].delivery_key == f"record:{corrected}:{cc.code}:correct:v2"
    assert (found[cc.code, unfed].kind, found[cc.code, unfed].outcome) == ("missing", "reported")
    assert (found[cc.code, stranger].kind, found[cc.code, stranger].outcome) == ("unknown", "reported")
    # the correction was never acknowledged by public data (its delivery still on its way): waited for, not sent
    assert (found[pd.code, corrected].kind, found[pd.code, corrected].outcome) == ("content", "pending")
    # the sites now show what the hub says, each delivery applied once however often it was sent
    assert _site(sim, cc.code, repaired)["published"] is False
    assert _site(sim, pd.code, repaired)["published"] is False
    assert _site(sim, cc.code, corrected)["version"] == 2 and _site(sim, cc.code, corrected)["fine_amount"] == "500.00"
    assert _applied(sim, cc.code)[f"{repair_case}:{cc.code}:repair"] == 1
    assert _applied(sim, pd.code)[f"{repair_case}:{pd.code}:repair"] == 1
    assert _applied(sim, cc.code)[f"record:{corrected}:{cc.code}:correct:v2"] == 1
    by_site = {r.target: r for r in first.sites}
    assert len(by_site) == 16 and not any(r.error for r in first.sites)
    assert by_site[cc.code].counts["shown"] >= 1 and by_site[cc.code].outcomes["redelivered"] >= 2

    # the next run finds nothing of the hub's left, and reports what only a department can mend
    second = await _reconcile(env, worker)
    again = _differences(second.run_id, ours)
    # Nanjing's site shows Nanjing's issuers (the records are 南京市交通运输局's), and its feed never gave them;
    # no other city's site is expected to show them
    nj = "city_320100"
    assert set(again) == {(cc.code, unfed), (cc.code, stranger), (pd.code, unfed), (pd.code, corrected),
                          (nj, unfed), (nj, corrected)}
    assert _applied(sim, cc.code)[f"{repair_case}:{cc.code}:repair"] == 1


async def test_a_site_that_cannot_be_read_is_marked_and_the_others_go_on(env, worker, simulator_url):
    httpx.post(f"{simulator_url}/control/city_321300", json={"down_for_s": 3600}).raise_for_status()
    try:
        day = beijing_date(await env.get_current_time())
        result = await env.client.execute_workflow(
            ReconciliationWorkflow.run, args=[ReconcileInput(day=day), ReconcileSettings()],
            id=f"reconcile-test-{uuid.uuid4().hex[:8]}", task_queue=worker, result_type=ReconcileResult)
    finally:
        httpx.post(f"{simulator_url}/control/city_321300", json={}).raise_for_status()
    by_site = {r.target: r for r in result.sites}
    assert by_site["city_321300"].error  # six hours of retries skipped by the test server, then given up
    assert not by_site["creditchina_js"].error and by_site["creditchina_js"].shown >= 0
    assert datetime.now(UTC)  # the run ended: the others were not held by the one site down


async def test_an_end_of_publication_lost_by_a_restore_is_sent_again_under_its_key(env, worker, simulator_url):
    from tests.workflows.test_reminder_sweep import record, sweep

    sim, cc = simulator_url, _target("creditchina_js")
    today = beijing_date(await env.get_current_time())
    expired = record(today, add_months(today, -12) - timedelta(days=3))  # a general penalty's year is over
    _feed(sim, cc.code, expired.id)
    httpx.post(f"{sim}/sites/{cc.code}/snapshot").raise_for_status()
    await sweep(env, worker, today)
    assert _site(sim, cc.code, expired.id)["published"] is False
    httpx.post(f"{sim}/sites/{cc.code}/restore").raise_for_status()
    assert _site(sim, cc.code, expired.id)["published"] is True

    found = _differences((await _reconcile(env, worker)).run_id, {expired.id})[cc.code, expired.id]
    assert (found.kind, found.outcome, found.hub_state) == ("shown", "redelivered", "unpublished")
    assert found.delivery_key == f"{expired.id}:{cc.code}:unpublish"
    assert found.payload is not None and found.payload["reason"] == "最长公示期届满，停止公示"
    assert _site(sim, cc.code, expired.id)["published"] is False
    assert _applied(sim, cc.code)[f"{expired.id}:{cc.code}:unpublish"] == 1
