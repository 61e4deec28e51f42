"""RecordWithdrawalWorkflow on the time-skipping server with the real activities: a record whose penalty was
revoked is marked withdrawn, its open case closed with the applicant texted, every site told to take it off
(each once), the subject texted when all have; a site down past the 3 working days marks it overdue and
tells the supervisors, and the withdrawal still completes; a site that refuses is listed and no SMS promises
what did not happen."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
from sqlmodel import Session, select

from config.settings import get_settings
from contracts.case import CaseView
from contracts.record import WithdrawalInput, WithdrawalView, withdrawal_workflow_id
from domain.model import Role
from store import records as store_records
from store.db import engine_for
from store.models import CreditRecord, Notification, SmsMessage
from tests.workflows.conftest import file_application
from tests.workflows.test_repair_case import STARTED, start, store_case, terminate_leftovers  # noqa: F401
from workflows.record_withdrawal import RecordWithdrawalWorkflow


def _with_phone(record_id: str) -> None:
    with Session(engine_for(get_settings().db_url)) as s:
        row = s.get(CreditRecord, record_id)
        row.contact_phone = "13912345678"
        s.add(row)
        s.commit()


def _record(record_id: str) -> CreditRecord:
    with Session(engine_for(get_settings().db_url)) as s:
        return s.get(CreditRecord, record_id)


def _sms(record_id: str) -> dict[str, str]:
    with Session(engine_for(get_settings().db_url)) as s:
        return {m.id: m.text for m in s.exec(select(SmsMessage).where(SmsMessage.record_id == record_id))}


async def _withdraw(env, queue: str, record_id: str):  # type: ignore[no-untyped-def]
    handle = await env.client.start_workflow(
        RecordWithdrawalWorkflow.run, WithdrawalInput(
            record_id=record_id, cause="reconsideration", basis="宁政复决〔2026〕8号", reason="复议撤销原处罚决定",
            by="integrator:320100-transport", by_role=Role.INTEGRATOR, at=datetime.now(UTC)),
        id=withdrawal_workflow_id(record_id), task_queue=queue)
    STARTED.append(handle)
    return handle


def _control(url: str, site: str, **settings) -> None:  # type: ignore[no-untyped-def]
    httpx.post(f"{url}/control/{site}", json=settings).raise_for_status()


async def test_a_revoked_penalty_closes_its_case_and_leaves_every_site(env, worker, simulator_url):
    inp = file_application()
    record_id, case_id = inp.cases[0].record_id, inp.cases[0].case_id
    _with_phone(record_id)
    app, (case,) = await start(env, worker, inp)
    done: WithdrawalView = await (await _withdraw(env, worker, record_id)).result()
    assert done.done and len(done.acknowledged) == 16 and done.refused == [] and not done.overdue

    row = _record(record_id)
    assert row.state == "withdrawn" and row.open_case_id is None and row.withdrawal_done_at is not None
    assert row.withdrawal_basis == "宁政复决〔2026〕8号" and row.withdrawal_due >= row.withdrawn_at.date()
    assert [r.state for r in await app.result()] == ["closed"]
    _, events = store_case(case_id)
    assert events[-1].action == "close" and "宁政复决〔2026〕8号" in events[-1].message
    with Session(engine_for(get_settings().db_url)) as s:
        assert len(store_records.deliveries_of(s, record_id)) == 16
    applied = httpx.get(f"{simulator_url}/sites/creditchina_js/deliveries").json()["applied"]
    assert applied[f"record:{record_id}:creditchina_js:withdraw"] == 1
    shown = httpx.get(f"{simulator_url}/sites/creditchina_js/records/{record_id}").json()
    assert shown["published"] is False and shown["removed_by"] == "withdraw"

    texts = _sms(record_id)
    closed = next(t for k, t in texts.items() if k.startswith("closed:"))
    assert "已被撤销（宁政复决〔2026〕8号）" in closed and "已终止" in closed
    assert "已从各信用网站撤下" in texts[f"record_withdrawn:{record_id}"]

    again = await env.client.get_workflow_handle(withdrawal_workflow_id(record_id)).query(
        "progress", result_type=WithdrawalView)
    assert again.done


async def test_a_site_down_past_the_limit_marks_it_overdue_and_the_withdrawal_still_ends(env, worker, simulator_url):
    inp = file_application()
    record_id = inp.cases[0].record_id
    _control(simulator_url, "city_320500", fail_next=100_000)
    try:
        handle = await _withdraw(env, worker, record_id)
        for _ in range(200):
            view = await handle.query("progress", result_type=WithdrawalView)
            if len(view.acknowledged) == 15:
                break
            await asyncio.sleep(0.05)
        await env.sleep(timedelta(days=8))  # more than 3 working days, whatever the weekday
        for _ in range(200):
            if _record(record_id).withdrawal_overdue:
                break
            await asyncio.sleep(0.05)
        assert _record(record_id).withdrawal_overdue
        with Session(engine_for(get_settings().db_url)) as s:
            told = s.exec(select(Notification).where(Notification.id.like(f"withdrawal-overdue:{record_id}:%"))).all()
        assert {n.recipient_scope for n in told} == {"320100", "320000"}
    finally:
        _control(simulator_url, "city_320500")
    done = await handle.result()
    assert done.done and done.overdue and len(done.acknowledged) == 16


async def test_a_refusing_site_is_listed_and_no_sms_says_it_is_off_everywhere(env, worker, simulator_url):
    inp = file_application()
    record_id = inp.cases[0].record_id
    _with_phone(record_id)
    _control(simulator_url, "city_321300", refuse_next=1)
    try:
        done = await (await _withdraw(env, worker, record_id)).result()
    finally:
        _control(simulator_url, "city_321300")
    assert done.refused == ["city_321300"] and len(done.acknowledged) == 15
    assert f"record_withdrawn:{record_id}" not in _sms(record_id)
    assert _record(record_id).withdrawal_done_at is None


async def test_an_approved_case_goes_on_to_be_repaired(env, worker):
    from tests.workflows.test_repair_case import decide, decision

    inp = file_application()
    record_id = inp.cases[0].record_id
    app, (case,) = await start(env, worker, inp)
    await decide(case, decision("accept"))
    view: CaseView = await decide(case, decision("approve"))
    assert view.state == "approved"
    await (await _withdraw(env, worker, record_id)).result()
    assert [r.state for r in await app.result()] == ["repaired"]
    assert _record(record_id).state == "withdrawn"  # withdrawn stays so: the repair's projection keeps it

