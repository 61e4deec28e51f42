"""破产重整、和解 on the time-skipping server with the real activities: each record's handler approves a
provisional lifting (the record hidden on every site, the applicant texted), the court's system says once for
the whole application how the plan ended: carried out, and every lifted record is repaired on every site with
its decision; failed, and every one is shown again (a case not decided yet ends restored too). The court's word
is taken once, from the court's side only, and only by a restructuring; a record withdrawn meanwhile ends its
case closed, not shown again."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import httpx
import pytest
from sqlmodel import Session, select
from temporalio.client import WorkflowUpdateFailedError

from config.settings import get_settings
from contracts.application import PLAN_UPDATE
from contracts.case import PlanOutcomeInput
from contracts.record import WithdrawalInput, withdrawal_workflow_id
from domain.model import Role
from store import cases as store_cases
from store import letters as store_letters
from store.db import engine_for
from store.models import SmsMessage
from tests.pdf import pdf_text
from tests.workflows.conftest import file_application, file_restructuring
from tests.workflows.test_repair_case import (  # noqa: F401
    STARTED,
    decide,
    decision,
    record,
    start,
    store_case,
    terminate_leftovers,  # noqa: F401
)
from workflows.record_withdrawal import RecordWithdrawalWorkflow

COURT = {"actor": "integrator:320100-court", "actor_role": Role.INTEGRATOR}


def _plan(app_id: str, outcome: str, **over) -> PlanOutcomeInput:  # type: ignore[no-untyped-def]
    return PlanOutcomeInput(**{"application_id": app_id, "outcome": outcome, "ruling_no": "（2026）苏01破12号之五",
                               "ruled_on": date.today(), "reason": "重整计划执行完毕", **COURT, **over})


async def _text(case_id: str, purpose: str) -> str:
    """The case's SMS of `purpose`, sent beside the process (a moment after the step)."""
    for _ in range(300):
        with Session(engine_for(get_settings().db_url)) as s:
            found = [m.text for m in s.exec(select(SmsMessage).where(SmsMessage.purpose == purpose))
                     if case_id in m.id]
        if found:
            return found[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {purpose} SMS for {case_id}")


def _applied(url: str) -> dict[str, int]:
    return httpx.get(f"{url}/sites/creditchina_js/deliveries").json()["applied"]


async def _lift(case, authority: str) -> None:  # type: ignore[no-untyped-def]
    await decide(case, decision("accept", authority=authority))
    assert (await decide(case, decision("approve", authority=authority, reason="裁定书属实"))).state == "lifted"


async def _until_state(case_id: str, state: str) -> None:
    for _ in range(300):
        if store_case(case_id)[0].state == state:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{case_id} never {state}: {store_case(case_id)[0].state}")


async def test_lifted_while_the_plan_runs_then_repaired_once_it_is_carried_out(env, worker, simulator_url):
    inp = file_restructuring()
    assert {c.request for c in inp.cases} == {"restructuring"}
    app, cases = await start(env, worker, inp)
    for spec, case in zip(inp.cases, cases, strict=True):
        await _lift(case, spec.handler)
    for spec in inp.cases:
        await _until_state(spec.case_id, "lifted")
        assert record(spec.record_id).state == "lifted"
        assert "暂予修复" in await _text(spec.case_id, "restructuring_lifted")
    for _ in range(300):  # the lifting goes to every site beside the process
        if all(_applied(simulator_url).get(f"{c.case_id}:creditchina_js:shield") == 1 for c in inp.cases):
            break
        await asyncio.sleep(0.05)
    assert all(_applied(simulator_url).get(f"{c.case_id}:creditchina_js:shield") == 1 for c in inp.cases)

    told = await app.execute_update(PLAN_UPDATE, _plan(inp.application_id, "carried_out"), result_type=list[str])
    assert sorted(told) == sorted(c.case_id for c in inp.cases)
    with pytest.raises(WorkflowUpdateFailedError) as again:
        await app.execute_update(PLAN_UPDATE, _plan(inp.application_id, "failed"), result_type=list[str])
    assert again.value.cause.type == "OUTCOME_KNOWN"
    assert [v.state for v in await app.result()] == ["repaired", "repaired"]
    applied = _applied(simulator_url)
    with Session(engine_for(get_settings().db_url)) as s:
        kept = store_cases.restructuring_of(s, inp.application_id)
        letters = [store_letters.get_decision(s, c.case_id) for c in inp.cases]
    assert kept.outcome == "carried_out" and kept.outcome_ruling_no == "（2026）苏01破12号之五"
    assert all(letters), "each repair has its decision once the plan is carried out"
    pdf = pdf_text((get_settings().letters_dir / letters[0].path).read_bytes())
    assert "已裁定批准你单位的重整计划（（2026）苏01破12号之二）" in pdf and "执行完毕（（2026）苏01破12号之五）" in pdf
    for spec in inp.cases:
        assert record(spec.record_id).state == "repaired" and record(spec.record_id).open_case_id is None
        assert applied[f"{spec.case_id}:creditchina_js:repair"] == 1
        assert f"{spec.case_id}:creditchina_js:unshield" not in applied
        _, events = store_case(spec.case_id)
        assert "执行完毕" in next(e.message for e in events if e.action == "plan_carried_out")


async def test_a_failed_plan_restores_every_record_and_ends_what_was_not_decided(env, worker, simulator_url):
    inp = file_restructuring()
    app, (lifted, waiting) = await start(env, worker, inp)
    await _lift(lifted, inp.cases[0].handler)
    await _until_state(inp.cases[0].case_id, "lifted")
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await app.execute_update(PLAN_UPDATE, _plan(inp.application_id, "failed", actor="applicant:t",
                                                    actor_role=Role.APPLICANT), result_type=list[str])
    assert refused.value.cause.type == "FORBIDDEN"
    await app.execute_update(PLAN_UPDATE, _plan(inp.application_id, "failed", reason="终止执行"), result_type=list[str])
    assert [v.state for v in await app.result()] == ["restored", "restored"]
    applied = _applied(simulator_url)
    first, second = inp.cases
    assert applied[f"{first.case_id}:creditchina_js:shield"] == 1
    assert applied[f"{first.case_id}:creditchina_js:unshield"] == 1  # shown again where it was hidden
    assert f"{second.case_id}:creditchina_js:shield" not in applied
    for spec in inp.cases:
        row = record(spec.record_id)
        assert row.state == "published" and row.open_case_id is None
        assert "恢复公示" in await _text(spec.case_id, "restructuring_restored")


async def test_only_a_restructuring_takes_the_courts_word(env, worker):
    inp = file_application()
    app, _ = await start(env, worker, inp)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await app.execute_update(PLAN_UPDATE, _plan(inp.application_id, "carried_out"), result_type=list[str])
    assert refused.value.cause.type == "NOT_FOUND"


async def test_a_record_withdrawn_while_lifted_ends_closed_and_stays_off(env, worker, simulator_url):
    inp = file_restructuring(n_records=1, issuers=("320100-transport",))
    (spec,) = inp.cases
    app, (case,) = await start(env, worker, inp)
    await _lift(case, spec.handler)
    withdrawal = await env.client.start_workflow(
        RecordWithdrawalWorkflow.run, WithdrawalInput(
            record_id=spec.record_id, cause="litigation", basis="（2026）苏01行终3号", reason="判决撤销",
            by="integrator:320100-transport", by_role=Role.INTEGRATOR, at=datetime.now(UTC)),
        id=withdrawal_workflow_id(spec.record_id), task_queue=worker)
    STARTED.append(withdrawal)
    await withdrawal.result()
    assert [v.state for v in await app.result()] == ["closed"]
    assert f"{spec.case_id}:creditchina_js:unshield" not in _applied(simulator_url)
    assert record(spec.record_id).state == "withdrawn"
