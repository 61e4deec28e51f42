"""A case whose track is decided in a vertical system (依托国垂、省垂系统, config/handling.yaml): handed over to
the simulated publicity system over HTTP, decided by the system's reported decisions (the same `decide`
Update, keyed by the system's event id), under the hub's own deadline and overdue mark; the applicant's
supplement passed on; a system that refuses the case hands it back to the workbench. Time-skipping, with
the real activities and the simulator on loopback (in manual mode: the test decides as the system)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from temporalio.client import WorkflowUpdateFailedError

from contracts.case import CaseView, DecisionInput
from domain.model import Role
from tests.workflows.conftest import file_application
from tests.workflows.test_repair_case import decide, decision, start, store_case, terminate_leftovers  # noqa: F401

MARKET = "320100-market_regulation"
SYSTEM, NAME = "gsxt_js", "国家企业信用信息公示系统（江苏）"


def by_system(action: str, event_id: str, reason: str = "公示系统审核意见") -> DecisionInput:
    return DecisionInput(action=action, reason=reason, actor=f"handling_system:{SYSTEM}",
                         actor_role=Role.HANDLING_SYSTEM, actor_authority=SYSTEM, actor_name="公示系统经办人",
                         event_id=event_id)


def handed_over(**record):  # type: ignore[no-untyped-def]
    inp = file_application(issuers=(MARKET,), **record)
    spec = inp.cases[0]
    spec.handled_in, spec.handled_in_name = SYSTEM, NAME  # as a track with `handled_in: gsxt_js` files it
    return inp


@pytest.fixture
def manual(simulator_url):
    """The simulated system waits for a person (here: the test) to decide; back to its default after."""
    httpx.post(f"{simulator_url}/handling/{SYSTEM}/control", json={"mode": "manual"}).raise_for_status()
    yield f"{simulator_url}/handling/{SYSTEM}"
    httpx.post(f"{simulator_url}/handling/{SYSTEM}/control", json={}).raise_for_status()


async def until(check, seconds: float = 20):  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.1)):
        found = check()
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError("never happened")


def system_case(base: str, case_id: str) -> dict | None:
    answer = httpx.get(f"{base}/cases/{case_id}")
    return answer.json() if answer.status_code == 200 else None


async def test_a_handed_over_case_is_decided_by_the_system_and_repaired_on_every_site(env, worker, manual):
    inp = handed_over()
    case_id = inp.cases[0].case_id
    handle, (case,) = await start(env, worker, inp)
    taken = await until(lambda: system_case(manual, case_id))
    assert taken["applied"] == 1 and taken["record_no"] and taken["callback_url"].endswith(
        f"/api/v1/handling/cases/{case_id}/decisions")
    await until(lambda: any(e.action == "handed_over" for e in store_case(case_id)[1]))
    row, events = store_case(case_id)
    assert row.handled_in == SYSTEM
    assert f"已转交{NAME}办理（该系统受理编号：{taken['reference']}）" in events[-1].message

    with pytest.raises(WorkflowUpdateFailedError) as refused:  # one decider: the workbench may not
        await decide(case, decision("accept", authority=MARKET))
    assert refused.value.cause.type == "FORBIDDEN"

    assert (await decide(case, by_system("accept", "GSXT-1"))).state == "under_review"
    again = await decide(case, by_system("accept", "GSXT-1"))  # the same callback twice: taken once
    assert again.state == "under_review" and again.handled_in == SYSTEM
    assert [e.action for e in store_case(case_id)[1]].count("accept") == 1

    await decide(case, by_system("request_supplement", "GSXT-2", "请补充罚款缴纳凭证"))
    back = await decide(case, DecisionInput(action="supplement", actor="applicant:t", actor_role=Role.APPLICANT))
    assert back.state == "under_review"
    notices = (await until(lambda: (system_case(manual, case_id) or {}).get("notices")))
    assert [n["kind"] for n in notices] == ["supplement"]

    assert (await decide(case, by_system("approve", "GSXT-3", "已履行行政处罚义务，同意修复"))).state == "approved"
    assert [r.state for r in await handle.result()] == ["repaired"]
    row, events = store_case(case_id)
    approval = next(e for e in events if e.action == "approve")
    assert approval.actor_role == "handling_system" and approval.reason == "已履行行政处罚义务，同意修复"
    assert [e.action for e in events].count("sync_ack") == 16


async def test_the_hubs_deadline_runs_while_the_system_has_the_case(env, worker, manual):
    inp = handed_over()
    _, (case,) = await start(env, worker, inp)
    await until(lambda: system_case(manual, inp.cases[0].case_id))
    await env.sleep(timedelta(days=8))  # more than 3 working days: the system has not accepted it
    view = await case.query("progress", result_type=CaseView)
    assert view.overdue is True and view.state == "pending_acceptance" and view.handled_in == SYSTEM


async def test_a_withdrawal_is_passed_on_to_the_system(env, worker, manual):
    inp = handed_over()
    case_id = inp.cases[0].case_id
    handle, (case,) = await start(env, worker, inp)
    await until(lambda: system_case(manual, case_id))
    await decide(case, DecisionInput(action="withdraw", reason="已另行办理", actor="applicant:t",
                                     actor_role=Role.APPLICANT))
    assert [r.state for r in await handle.result()] == ["withdrawn"]
    notices = system_case(manual, case_id)["notices"]
    assert [(n["kind"], n["reason"]) for n in notices] == [("withdrawn", "已另行办理")]
    assert system_case(manual, case_id)["state"] == "withdrawn"


async def test_a_system_that_refuses_the_case_hands_it_back_to_the_workbench(env, worker, manual, simulator_url):
    httpx.post(f"{manual}/control", json={"mode": "manual", "refuse_next": 1}).raise_for_status()
    inp = handed_over()
    case_id = inp.cases[0].case_id
    _, (case,) = await start(env, worker, inp)
    await until(lambda: any(e.action == "hand_over_failed" for e in store_case(case_id)[1]))
    row, events = store_case(case_id)
    assert row.handled_in is None and events[-1].message == f"{NAME}未能接收本事项，改由处理单位在本平台办理"
    assert (await decide(case, decision("accept", authority=MARKET))).state == "under_review"
    with pytest.raises(WorkflowUpdateFailedError):  # and the system no longer decides it
        await decide(case, by_system("approve", "GSXT-9"))
