"""The repair decision (信用修复决定书) as a PDF: its Chinese text and embedded faces, rendered once per case,
and none for a case that was not approved."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from temporalio.exceptions import ApplicationError

from activities.decisions import render_decision_once
from store.db import engine_for, session_scope
from store.models import Application, CaseEventRow, DecisionLetter, RepairCase
from tests import factories
from tests.activities.test_letters import registered, settings  # noqa: F401 - the module's fixture
from tests.pdf import pdf_fonts, pdf_text


def decided_case(settings, state: str, n: int) -> str:  # noqa: F811
    uscc = factories.uscc(720_000 + n)
    record_id = registered(settings, issuer="320100-tax", record_no=f"宁税罚〔2026〕{700 + n}号",
                           subject={"uscc": uscc, "name": "南京决定书测试有限公司"})
    now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    app_id, case_id = f"app_decision{n}", f"case_decision{n}"
    with session_scope(engine_for(settings.db_url)) as s:
        s.add(Application(id=app_id, subject_key=uscc, subject_name="南京决定书测试有限公司", channel="online",
                          filed_by="t", filed_by_role="applicant", contact_phone="13912345678",
                          filed_at=datetime(2026, 11, 17, 1, 0, tzinfo=UTC), workflow_started=True))
        s.add(RepairCase(id=case_id, application_id=app_id, record_id=record_id, handler="320100-tax",
                         handler_region="320100", repair_channel="creditchina_js", state=state, updated_at=now))
        if state == "repaired":
            s.add(CaseEventRow(id=f"{case_id}:2", case_id=case_id, seq=2, at=now, actor_role="caseworker", actor="w",
                               action="approve", state="approved", message="同意修复", reason="已缴清罚款"))
    return case_id


def test_the_decision_says_what_was_repaired_in_real_text_and_is_rendered_once(settings):  # noqa: F811
    case_id = decided_case(settings, "repaired", 1)
    assert render_decision_once(settings, case_id) is True
    assert render_decision_once(settings, case_id) is False  # kept, not rendered again
    with session_scope(engine_for(settings.db_url)) as s:
        kept = s.get(DecisionLetter, case_id)
    pdf = (settings.letters_dir / kept.path).read_bytes()
    text = pdf_text(pdf)
    for expected in ("信用修复决定书", "南京决定书测试有限公司", "宁税罚〔2026〕701号", "予以信用修复", "已缴清罚款",
                     "国家税务总局南京市税务局", "2026年11月20日", "同步停止公示", "不收取任何费用"):
        assert expected in text, expected
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in pdf_fonts(pdf))


def test_a_case_not_approved_has_no_decision(settings):  # noqa: F811
    case_id = decided_case(settings, "under_review", 2)
    with pytest.raises(ApplicationError) as refused:
        render_decision_once(settings, case_id)
    assert refused.value.type == "CaseNotDecided" and refused.value.non_retryable
