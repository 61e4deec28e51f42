"""Objections (异议申诉) on the time-skipping server with the real activities: an objection to a record's content
upheld by a correction (the record's next version, sent to every site once, the applicant texted, the
objection's decision rendered with the correction in it); one not upheld (kept: the record as it was, free
for a repair); an objection to a refused repair upheld by a repair (off every site); a correction the issuer
made first leaves the objection under review; a repair case takes no objection outcome."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import Session, select
from temporalio.client import WorkflowUpdateFailedError

from config.settings import get_settings
from contracts.case import CaseView
from contracts.record import correction_workflow_id
from domain.access import Principal
from domain.model import Role
from services.record_life import correction_of
from store import letters as store_letters
from store import records as store_records
from store.db import engine_for
from store.models import SmsMessage
from tests.pdf import pdf_text
from tests.workflows.conftest import file_application, file_objection
from tests.workflows.test_repair_case import (  # noqa: F401
    STARTED,
    decide,
    decision,
    record,
    start,
    store_case,
    terminate_leftovers,  # noqa: F401
)
from workflows.record_correction import RecordCorrectionWorkflow

CASEWORKER = Principal("caseworker:1", Role.CASEWORKER, authority="320100-transport")


def _texts(case_id: str) -> dict[str, str]:
    with Session(engine_for(get_settings().db_url)) as s:
        return {m.purpose: m.text for m in s.exec(select(SmsMessage)) if case_id in m.id or m.id.endswith(case_id)}


def _decision_pdf(case_id: str) -> str:
    settings = get_settings()
    with Session(engine_for(settings.db_url)) as s:
        letter = store_letters.get_decision(s, case_id)
    assert letter is not None, "the objection's decision is rendered with its outcome"
    return pdf_text((settings.letters_dir / letter.path).read_bytes())


def _correct(record_id: str, case_id: str, **changes: str):  # type: ignore[no-untyped-def]
    return decision("correct", reason="经核对处罚决定书原件，罚款金额登记错误",
                    correction=correction_of(record(record_id), changes, "经核对处罚决定书原件，罚款金额登记错误",
                                             CASEWORKER, datetime.now(UTC), case_id=case_id))


async def test_an_objection_upheld_corrects_the_record_on_every_site(env, worker, simulator_url):
    inp = file_objection()
    spec = inp.cases[0]
    assert spec.request == "objection" and spec.track == "objection" and spec.handler == "320100-transport"
    app, (case,) = await start(env, worker, inp)
    assert (await decide(case, decision("accept"))).state == "under_review"
    view = await decide(case, _correct(spec.record_id, spec.case_id, fine_amount="500"))
    assert view.state == "correcting"
    assert [v.state for v in await app.result()] == ["corrected"]

    row = record(spec.record_id)
    assert row.version == 2 and str(row.fine_amount) == "500.00" and row.open_case_id is None
    assert row.state == "published"  # corrected, still shown: a correction is not a repair
    with Session(engine_for(get_settings().db_url)) as s:
        (version,) = store_records.versions_of(s, spec.record_id)
    assert version.case_id == spec.case_id and version.changes == {"fine_amount": ["5000.00", "500.00"]}
    applied = httpx.get(f"{simulator_url}/sites/creditchina_js/deliveries").json()["applied"]
    assert applied[f"record:{spec.record_id}:creditchina_js:correct:v2"] == 1
    _, events = store_case(spec.case_id)
    assert [e.action for e in events][-2:] == ["correct", "corrected"]
    assert "16个信用网站已确认" in events[-1].message

    texts = _texts(spec.case_id)
    assert "已更正" in texts["objection_corrected"] and "异议处理决定书" in texts["objection_corrected"]
    text = _decision_pdf(spec.case_id)
    assert "异议处理决定书" in text and "异议成立" in text
    assert "罚款金额由“5000.00”更正为“500.00”" in text


async def test_an_objection_not_upheld_keeps_the_record_and_frees_it(env, worker):
    inp = file_objection(statement="该违法行为不是本单位所为")
    spec = inp.cases[0]
    app, (case,) = await start(env, worker, inp)
    await decide(case, decision("accept"))
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await decide(case, decision("keep"))
    assert refused.value.cause.type == "REASON_REQUIRED"
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await decide(case, decision("deny", reason="x"))
    assert refused.value.cause.type == "ACTION_NOT_ALLOWED"  # an objection is kept, not denied
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await decide(case, decision("correct", reason="x"))
    assert refused.value.cause.type == "CORRECTION_REQUIRED"
    assert (await decide(case, decision("keep", reason="经核查，现场检查笔录载明违法行为属实"))).state == "kept"
    assert [v.state for v in await app.result()] == ["kept"]

    row = record(spec.record_id)
    assert row.version == 1 and row.state == "published" and row.open_case_id is None
    assert "不成立" in _texts(spec.case_id)["objection_kept"]
    text = _decision_pdf(spec.case_id)
    assert "异议不成立" in text and "维持原状" in text and "现场检查笔录载明违法行为属实" in text


async def test_an_objection_to_a_denial_upheld_repairs_the_record(env, worker, simulator_url):
    repair = file_application()
    rspec = repair.cases[0]
    _, (rcase,) = await start(env, worker, repair)
    await decide(rcase, decision("accept"))
    assert (await decide(rcase, decision("deny", reason="未提交缴款凭证"))).state == "denied"
    await env.client.get_workflow_handle(f"case-{rspec.case_id}").result()

    inp = file_objection("refusal", refused_case_id=rspec.case_id, record_id=rspec.record_id,
                         subject=repair.subject_key, statement="罚款已于申请前缴清，附缴款凭证")
    spec = inp.cases[0]
    assert spec.handler == rspec.handler
    app, (case,) = await start(env, worker, inp)
    await decide(case, decision("accept"))
    assert (await decide(case, decision("approve", reason="缴款凭证属实"))).state == "approved"
    assert [v.state for v in await app.result()] == ["repaired"]
    assert record(rspec.record_id).state == "repaired"
    applied = httpx.get(f"{simulator_url}/sites/creditchina_js/deliveries").json()["applied"]
    assert [n for key, n in applied.items() if spec.case_id in key] == [1]
    text = _decision_pdf(spec.case_id)
    assert "不予修复决定提出的异议" in text and "予以信用修复" in text


async def test_a_correction_the_issuer_made_first_leaves_the_objection_under_review(env, worker):
    inp = file_objection()
    spec = inp.cases[0]
    app, (case,) = await start(env, worker, inp)
    await decide(case, decision("accept"))
    ours = _correct(spec.record_id, spec.case_id, fine_amount="500")
    issuer = correction_of(record(spec.record_id), {"summary": "更正后的事由"}, "登记错误",
                           Principal("integrator:t", Role.INTEGRATOR, authority="320100-transport"), datetime.now(UTC))
    await env.client.execute_workflow(RecordCorrectionWorkflow.run, issuer,
                                      id=correction_workflow_id(spec.record_id, issuer.version), task_queue=worker)
    assert record(spec.record_id).version == 2
    await decide(case, ours)
    for _ in range(200):  # the projection follows the workflow's state
        _, events = store_case(spec.case_id)
        if events[-1].action == "correction_superseded":
            break
        await asyncio.sleep(0.05)
    assert events[-1].action == "correction_superseded"
    assert (await case.query("progress", result_type=CaseView)).state == "under_review"
    assert record(spec.record_id).summary == "更正后的事由" and str(record(spec.record_id).fine_amount) == "5000.00"


async def test_a_repair_case_takes_no_objection_outcome(env, worker):
    inp = file_application()
    _, (case,) = await start(env, worker, inp)
    await decide(case, decision("accept"))
    for action in ("keep", "correct"):
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await decide(case, decision(action, reason="x"))
        assert refused.value.cause.type == "ACTION_NOT_ALLOWED"
