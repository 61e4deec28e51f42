"""RepairCaseWorkflow and ApplicationWorkflow on the time-skipping test server, with the real activities
(store on SQLite, the sync-target simulator over HTTP)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from config.rules import rules_for
from config.settings import get_settings
from contracts.case import CaseView, DecisionInput, ResyncInput
from domain.clock import beijing_date
from domain.model import Role
from store import cases as store_cases
from store.db import engine_for
from store.models import CreditRecord
from tests.workflows.conftest import file_application, start_application

CW = {"actor": "caseworker:1", "actor_role": Role.CASEWORKER}


def decision(action: str, authority: str = "320100-transport", reason: str = "", **over) -> DecisionInput:
    return DecisionInput(action=action, reason=reason, actor_authority=authority, **{**CW, **over})


STARTED: list = []


@pytest.fixture(autouse=True)
async def terminate_leftovers():
    """Workflows a test leaves waiting would keep timers on the shared time-skipping server, whose worker
    is gone after the test: end them so the next test's time skips freely."""
    yield
    while STARTED:
        handle = STARTED.pop()
        with contextlib.suppress(Exception):  # already completed
            await handle.terminate("test over")


async def start(env, queue, inp):
    handle, cases = await start_application(env.client, queue, inp)
    STARTED.extend([handle, *cases])
    return handle, cases


async def decide(case, d: DecisionInput) -> CaseView:
    return await case.execute_update("decide", d, result_type=CaseView)


def store_case(case_id):
    with Session(engine_for(get_settings().db_url)) as s:
        return store_cases.get_case(s, case_id), store_cases.events_of(s, [case_id])


def record(record_id):
    with Session(engine_for(get_settings().db_url)) as s:
        return s.get(CreditRecord, record_id)


async def test_full_approve_path_syncs_every_target(env, worker, simulator_url):
    inp = file_application()
    handle, (case,) = await start(env, worker, inp)
    assert (await decide(case, decision("accept"))).state == "under_review"
    assert (await decide(case, decision("approve"))).state == "approved"
    results = await handle.result()
    assert [r.state for r in results] == ["repaired"]
    row, events = store_case(inp.cases[0].case_id)
    assert row.state == "repaired"
    actions = [e.action for e in events]
    assert actions[:4] == ["file", "accept", "approve", "sync"] and actions[-1] == "repaired"
    assert actions.count("sync_ack") == 16  # three provincial targets and the 13 city sites
    assert record(inp.cases[0].record_id).state == "repaired"
    assert record(inp.cases[0].record_id).open_case_id is None
    sites = httpx.get(f"{simulator_url}/sites/creditchina_js/deliveries").json()
    key = f"{inp.cases[0].case_id}:creditchina_js:repair"
    assert sites["applied"][key] == 1


async def test_deny_and_not_accept_release_the_record(env, worker):
    inp = file_application(n_records=2)
    handle, (first, second) = await start(env, worker, inp)
    await decide(first, decision("accept"))
    assert (await decide(first, decision("deny", reason="罚款尚未缴纳"))).state == "denied"
    assert (await decide(second, decision("reject", reason="申请材料不属于本单位受理范围"))).state == "not_accepted"
    assert [r.state for r in await handle.result()] == ["denied", "not_accepted"]
    for spec in inp.cases:
        assert record(spec.record_id).open_case_id is None and record(spec.record_id).state == "published"
    _, events = store_case(inp.cases[0].case_id)
    assert events[-1].reason == "罚款尚未缴纳"


async def test_supplement_round_trip_pauses_the_clock(env, worker):
    inp = file_application()
    _, (case,) = await start(env, worker, inp)
    before = await case.query("progress", result_type=CaseView)
    view = await decide(case, decision("request_supplement", reason="请补充罚款缴纳凭证"))
    assert view.state == "supplement_requested"
    await env.sleep(timedelta(days=30))  # the applicant takes a month: no deadline runs meanwhile
    paused = await case.query("progress", result_type=CaseView)
    assert paused.overdue is False
    back = await decide(case, DecisionInput(action="supplement", actor="applicant:t", actor_role=Role.APPLICANT))
    assert back.state == "pending_acceptance" and back.overdue is False
    assert back.deadline > before.deadline  # the remaining working days start again from today


async def test_withdraw(env, worker):
    inp = file_application()
    handle, (case,) = await start(env, worker, inp)
    view = await decide(case, DecisionInput(action="withdraw", actor="applicant:t", actor_role=Role.APPLICANT))
    assert view.state == "withdrawn"
    assert [r.state for r in await handle.result()] == ["withdrawn"]
    assert record(inp.cases[0].record_id).open_case_id is None


async def test_missed_acceptance_deadline_marks_overdue_and_never_decides(env, worker):
    inp = file_application()
    _, (case,) = await start(env, worker, inp)
    start_view = await case.query("progress", result_type=CaseView)
    await env.sleep(timedelta(days=8))  # more than 3 working days, whatever the weekday
    view = await case.query("progress", result_type=CaseView)
    assert view.overdue is True and view.state == "pending_acceptance"
    assert view.deadline == start_view.deadline
    row, events = store_case(inp.cases[0].case_id)
    assert row.overdue and events[-1].action == "overdue"
    with Session(engine_for(get_settings().db_url)) as s:
        from sqlmodel import select

        from store.models import Notification
        notes = s.exec(select(Notification).where(Notification.case_id == inp.cases[0].case_id)).all()
    assert {n.recipient_scope for n in notes} == {"320100", "320000"}


async def test_shielding_reaches_the_sites_and_a_denial_puts_the_record_back(env, worker, simulator_url):
    inp = file_application()
    handle, (case,) = await start(env, worker, inp)
    await env.sleep(timedelta(days=8))
    # overdue allows temporary shielding: the record is hidden in the hub and on every site until a decision
    view = await decide(case, decision("shield", reason="超期未决，暂时屏蔽"))
    assert view.state == "pending_acceptance"
    case_id, record_id = inp.cases[0].case_id, inp.cases[0].record_id
    assert record(record_id).state == "shielded"

    def site(code: str) -> dict:
        return httpx.get(f"{simulator_url}/sites/{code}/deliveries").json()["applied"]

    for _ in range(600):  # the shield goes out in the background, to every site at once
        if all(site(code).get(f"{case_id}:{code}:shield") == 1 for code in ("gsxt_js", "city_320100")):
            break
        await asyncio.sleep(0.05)
    assert site("gsxt_js")[f"{case_id}:gsxt_js:shield"] == 1
    await decide(case, decision("accept"))
    await decide(case, decision("deny", reason="罚款尚未缴纳"))
    assert [r.state for r in await handle.result()] == ["denied"]
    assert record(record_id).state == "published"
    assert site("gsxt_js")[f"{case_id}:gsxt_js:unshield"] == 1
    shown = httpx.get(f"{simulator_url}/sites/gsxt_js/records/{record_id}").json()
    assert shown["published"] is True
    _, events = store_case(case_id)
    assert [e.action for e in events].count("shield_ack") == 16
    assert [e.action for e in events].count("unshield_ack") == 16


async def test_a_refused_delivery_waits_for_an_admins_resync(env, worker, simulator_url):
    httpx.post(f"{simulator_url}/control/public_data_js", json={"refuse_next": 1})
    inp = file_application()
    handle, (case,) = await start(env, worker, inp)
    await decide(case, decision("accept"))
    with pytest.raises(WorkflowUpdateFailedError) as err:  # nothing refused yet: nothing to resync
        await case.execute_update("resync", ResyncInput(actor="admin:1", actor_role=Role.ADMIN),
                                  result_type=CaseView)
    assert err.value.cause.type == "NOTHING_TO_RESYNC"
    await decide(case, decision("approve"))
    for _ in range(200):
        view = await case.query("progress", result_type=CaseView)
        if view.refused:
            break
        await asyncio.sleep(0.05)
    assert view.state == "syncing" and view.refused == ["public_data_js"]
    row, events = store_case(inp.cases[0].case_id)
    assert row.state == "syncing" and "sync_refused" in [e.action for e in events]
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await case.execute_update("resync", ResyncInput(actor="caseworker:1", actor_role=Role.CASEWORKER),
                                  result_type=CaseView)
    assert err.value.cause.type == "FORBIDDEN"
    await case.execute_update("resync", ResyncInput(actor="admin:1", actor_role=Role.ADMIN, reason="对方已修复接口"),
                              result_type=CaseView)
    assert [r.state for r in await handle.result()] == ["repaired"]
    applied = httpx.get(f"{simulator_url}/sites/public_data_js/deliveries").json()["applied"]
    assert applied[f"{inp.cases[0].case_id}:public_data_js:repair"] == 1


@pytest.mark.parametrize(
    ("d", "code"),
    [
        (decision("approve"), "ACTION_NOT_ALLOWED"),
        (decision("accept", authority="320200-transport"), "FORBIDDEN"),
        (decision("shield", reason="x"), "NOT_OVERDUE"),
        (decision("reject", reason=" "), "REASON_REQUIRED"),
        (DecisionInput(action="accept", actor="applicant:t", actor_role=Role.APPLICANT), "FORBIDDEN"),
    ],
)
async def test_update_refused_by_validator_leaves_no_trace(env, worker, d, code):
    inp = file_application()
    _, (case,) = await start(env, worker, inp)
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await decide(case, d)
    assert isinstance(err.value.cause, ApplicationError) and err.value.cause.type == code
    view = await case.query("progress", result_type=CaseView)
    assert view.state == "pending_acceptance"
    history = await case.fetch_history()
    assert not any(e.HasField("workflow_execution_update_accepted_event_attributes") for e in history.events)


ABNORMAL = {"kind": "abnormal_list", "penalty_types": [], "fine_amount": None, "summary": "未按期公示年度报告"}


async def test_an_abnormal_list_removal_is_decided_within_5_working_days_of_the_application(env, worker):
    """The track's limit counts from the filing, not from the acceptance: accepted two days late, the case is
    still due 5 working days after it was filed (holidays counted: the calendar's own add_workdays)."""
    market = "320100-market_regulation"
    inp = file_application(issuers=(market,), **ABNORMAL)
    spec = inp.cases[0]
    assert (spec.track, spec.limits.decision, spec.limits.decision_from) == (
        "abnormal_list_market_regulation", 5, "application")
    _, (case,) = await start(env, worker, inp)
    await env.sleep(timedelta(days=2))
    view = await decide(case, decision("accept", authority=market))
    calendar = rules_for(get_settings().config_dir).calendar
    assert view.deadline == calendar.add_workdays(beijing_date(inp.filed_at), 5).due
    row, _ = store_case(spec.case_id)
    assert (row.track, row.deadline) == ("abnormal_list_market_regulation", view.deadline)


async def test_a_market_regulation_penalty_is_decided_within_7_working_days_of_its_acceptance(env, worker):
    market = "320100-market_regulation"
    inp = file_application(issuers=(market,))
    assert (inp.cases[0].track, inp.cases[0].limits.decision_from) == ("penalty_market_regulation", "acceptance")
    _, (case,) = await start(env, worker, inp)
    await env.sleep(timedelta(days=2))
    accepted_on = beijing_date(await env.get_current_time())
    view = await decide(case, decision("accept", authority=market))
    calendar = rules_for(get_settings().config_dir).calendar
    assert view.deadline == calendar.add_workdays(accepted_on, 7).due
