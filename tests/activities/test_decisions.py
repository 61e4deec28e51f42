"""The repair decision (信用修复决定书) as a PDF: its Chinese text and embedded faces, its number, rendered once
per case, none for a case that was not approved, and its signature on the page of its last lines."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import Session
from temporalio.exceptions import ApplicationError

from activities.decisions import TEMPLATE, decision_content, render_decision_once
from documents.render import renderer
from domain.text import as_clause
from store.db import engine_for, session_scope
from store.models import Application, CaseEventRow, CreditRecord, DecisionLetter, DecisionNumber, RepairCase
from tests import factories
from tests.activities.test_letters import registered, settings  # noqa: F401 - the module's fixture
from tests.pdf import pdf_fonts, pdf_pages, pdf_text

NUMBER = re.compile(r"宁税信修决〔2026〕第([1-9]\d*)号")
# the text's last paragraph ends so, then the signature: one page holds them together
SIGNED = "并可拨打12345举报。（印章）国家税务总局南京市税务局2026年11月20日"
MAX_REASON = 2000  # api/schemas.py DecisionCreate.reason


def decided_case(settings, state: str, n: int, reason: str = "已缴清罚款。") -> str:  # noqa: F811
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
                               action="approve", state="approved", message="同意修复", reason=reason))
    return case_id


def kept_pdf(settings, case_id: str) -> bytes:  # noqa: F811
    with session_scope(engine_for(settings.db_url)) as s:
        kept = s.get(DecisionLetter, case_id)
    return (settings.letters_dir / kept.path).read_bytes()


def number_of(settings, case_id: str) -> DecisionNumber:  # noqa: F811
    with Session(engine_for(settings.db_url)) as s:
        return s.get(DecisionNumber, case_id)


def test_the_decision_says_what_was_repaired_in_real_text_and_is_rendered_once(settings):  # noqa: F811
    case_id = decided_case(settings, "repaired", 1)
    assert render_decision_once(settings, case_id) is True
    assert render_decision_once(settings, case_id) is False  # kept, not rendered again
    pdf = kept_pdf(settings, case_id)
    text = pdf_text(pdf)
    for expected in ("信用修复决定书", "南京决定书测试有限公司", "宁税罚〔2026〕701号", "予以信用修复",
                     "于2026年11月17日提出的信用修复申请收悉", "审核意见：已缴清罚款。",
                     "国家税务总局南京市税务局", "2026年11月20日", "同步停止公示", "不收取任何费用", "（印章）"):
        assert expected in text, expected
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in pdf_fonts(pdf))


def test_the_decision_names_no_machine_id_and_carries_its_number(settings):  # noqa: F811
    case_id = decided_case(settings, "repaired", 3)
    render_decision_once(settings, case_id)
    text = pdf_text(kept_pdf(settings, case_id))
    number = number_of(settings, case_id)
    assert NUMBER.fullmatch(number.doc_no) and number.doc_no in text
    assert (number.handler, number.year, number.doc_no) == ("320100-tax", 2026, f"宁税信修决〔2026〕第{number.seq}号")
    for machine in ("case_", "app_", "decision3", "申请编号"):  # neither the case's id nor the application's
        assert machine not in text, machine


def test_a_decision_rendered_again_keeps_its_number_and_the_next_case_takes_the_next(settings):  # noqa: F811
    """A retried activity (the file written, the row not) renders again: with the number it had."""
    case_id = decided_case(settings, "repaired", 4)
    render_decision_once(settings, case_id)
    first = number_of(settings, case_id)
    with session_scope(engine_for(settings.db_url)) as s:
        s.delete(s.get(DecisionLetter, case_id))
    assert render_decision_once(settings, case_id) is True
    assert number_of(settings, case_id) == first
    assert first.doc_no in pdf_text(kept_pdf(settings, case_id))
    following = decided_case(settings, "repaired", 5)
    render_decision_once(settings, following)
    assert number_of(settings, following).seq == first.seq + 1


@pytest.mark.parametrize("reason,shown", [
    ("同意修复。", "同意修复"), ("同意修复", "同意修复"), ("同意修复。。 ", "同意修复"), ("材料齐全.", "材料齐全"),
    ("符合条件！", "符合条件"), ("符合条件!", "符合条件"), (" 已缴清罚款。\n", "已缴清罚款"), ("。", ""), ("", ""),
    ("已履行（见附件）", "已履行（见附件）"),
])
def test_a_reason_is_closed_by_one_full_stop(reason, shown):
    assert as_clause(reason) == shown


def test_a_reason_with_its_own_full_stop_prints_one(settings):  # noqa: F811
    case_id = decided_case(settings, "repaired", 6, reason="经审核，同意修复。")
    render_decision_once(settings, case_id)
    text = pdf_text(kept_pdf(settings, case_id))
    assert "审核意见：经审核，同意修复。自本决定" in text and "。。" not in text


def reason_of(length: int) -> str:
    return ("经核查，该单位已缴清全部罚款和滞纳金，并已完成整改，" * 100)[:length - 1] + "。"


@pytest.mark.parametrize("length", [1650, MAX_REASON])
def test_the_signature_stays_on_the_page_of_the_last_lines_with_a_long_reason(settings, length):  # noqa: F811
    """1650 characters: before letter.css kept them together, the seal, the authority and the date went to
    page 5 alone, the text ending on page 4."""
    case_id = decided_case(settings, "repaired", 7 if length == MAX_REASON else 9, reason=reason_of(length))
    render_decision_once(settings, case_id)
    pages = pdf_pages(kept_pdf(settings, case_id))
    assert len(pages) == 5 and [SIGNED in page for page in pages] == [False] * 4 + [True]


def test_the_signature_is_never_alone_on_a_page_whatever_the_reasons_length(settings):  # noqa: F811
    """Over one page's worth of reason lengths, the break falls everywhere once: before the signature, inside
    it, after the last paragraph's first lines. Each time the last lines and the signature share a page."""
    case_id = decided_case(settings, "under_review", 8)
    engine = engine_for(settings.db_url)
    with Session(engine) as s:
        case = s.get(RepairCase, case_id)
        app, record = s.get(Application, case.application_id), s.get(CreditRecord, case.record_id)
    approval = CaseEventRow(id="x", case_id=case_id, seq=2, at=datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
                            actor_role="caseworker", actor="w", action="approve", state="approved", message="同意修复")
    render = renderer(settings.fonts_dir)
    for length in range(MAX_REASON - 600, MAX_REASON + 1, 25):
        approval.reason = reason_of(length)
        content = decision_content(case, app, record, approval, settings, "宁税信修决〔2026〕第1号")
        pages = pdf_pages(render.render_one(content, template=TEMPLATE))
        assert SIGNED in pages[-1], (length, pages[-1][:60])


def test_a_case_not_approved_has_no_decision(settings):  # noqa: F811
    case_id = decided_case(settings, "under_review", 2)
    with pytest.raises(ApplicationError) as refused:
        render_decision_once(settings, case_id)
    assert refused.value.type == "CaseNotDecided" and refused.value.non_retryable
