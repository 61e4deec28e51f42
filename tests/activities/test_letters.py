"""两书同达: the repair reminder letter as a PDF: its Chinese text, its embedded faces, its page, and that a
record gets one letter however often it is asked for."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from activities.letters import render_and_keep
from config.rules import rules_for
from config.settings import get_settings
from domain.access import Principal
from domain.model import Role
from services.commands import RecordCreate
from services.registering import register
from store.db import engine_for, session_scope
from store.migrate import upgrade
from store.models import Letter
from tests import factories
from tests.pdf import pdf_fonts, pdf_info, pdf_text


@pytest.fixture(scope="module")
def settings():
    s = get_settings()
    upgrade(s.db_url)
    return s


def registered(settings, **over) -> str:
    rules = rules_for(settings.config_dir)
    body = factories.record_body(**over)
    with session_scope(engine_for(settings.db_url)) as session:
        row, _ = register(session, rules, Principal("admin", Role.ADMIN), RecordCreate(**body), date(2026, 11, 26),
                          datetime.now(UTC))
        return row.id


def letter_of(settings, record_id: str) -> tuple[Letter, bytes]:
    with Session(engine_for(settings.db_url)) as s:
        letter = s.get(Letter, record_id)
    return letter, (settings.letters_dir / letter.path).read_bytes()


def test_letter_says_everything_in_real_chinese_text_with_embedded_subset_fonts(settings):
    uscc = factories.uscc(710_001)  # a subject no other test uses
    record_id = registered(settings, issuer="320100-market_regulation", record_no="宁市监罚〔2026〕88号",
                           decided_on="2026-03-10", severity="general",
                           subject={"uscc": uscc, "name": "南京示例建材有限公司"})
    assert render_and_keep(settings, [record_id]) == 1
    _, pdf = letter_of(settings, record_id)
    text = pdf_text(pdf)
    for expected in ("行政处罚信息信用修复告知书", "南京示例建材有限公司", uscc, "宁市监罚〔2026〕88号",
                     "2026年3月10日",
                     "国家企业信用信息公示系统（江苏）",  # market regulation: the publicity system
                     "最短公示期至2026年6月10日", "最长公示期至2027年3月10日", "自2026年6月11日起",
                     # the market-regulation penalty track's own basis, conditions, limit and materials
                     "根据市场监管总局令第107号《市场监督管理信用修复管理办法》", "已履行行政处罚决定规定的义务",
                     "办理机关受理后7个工作日内作出决定", "守信承诺书",
                     "12345", "综合窗口", "不收取任何费用", "涉嫌欺诈",
                     "南京市市场监督管理局", "—1—"):
        assert expected in text, expected
    fonts = pdf_fonts(pdf)
    assert fonts and all(f["emb"] == "yes" and f["sub"] == "yes" and f["uni"] == "yes" for f in fonts), fonts
    assert any("Bold" in f["name"] for f in fonts)  # the title in the bold face
    assert pdf_info(pdf)["Page size"].startswith("595.") and "841.89" in pdf_info(pdf)["Page size"]  # A4


def test_a_record_gets_one_letter_however_often_asked(settings):
    record_id = registered(settings, issuer="320200-transport")
    assert render_and_keep(settings, [record_id]) == 1
    first, pdf = letter_of(settings, record_id)
    assert render_and_keep(settings, [record_id, record_id]) == 0
    again, same = letter_of(settings, record_id)
    assert (again.sha256, same) == (first.sha256, pdf)
    with Session(engine_for(settings.db_url)) as s:
        assert len(s.exec(select(Letter).where(Letter.record_id == record_id)).all()) == 1


def test_a_batch_cuts_into_one_letter_per_record_each_with_only_its_own_addressee(settings):
    names = ["苏州甲有限公司", "苏州乙有限公司", "苏州丙有限公司"]
    ids = [registered(settings, issuer="320500-emergency_management", subject={"uscc": factories.uscc(710_100 + i),
                                                                           "name": n}) for i, n in enumerate(names)]
    assert render_and_keep(settings, ids) == 3
    for record_id, name in zip(ids, names, strict=True):
        _, pdf = letter_of(settings, record_id)
        text = pdf_text(pdf)
        assert name in text and not any(other in text for other in names if other != name)
        assert "—1—" in text and "—3—" not in text  # each letter numbers its own pages
        assert "“信用中国（江苏）”网站" in text  # another department's penalty: Credit China (Jiangsu)
        assert all(f["emb"] == "yes" for f in pdf_fonts(pdf))


def test_a_person_is_addressed_with_a_masked_id_number_and_serious_lists_say_so(settings):
    person = factories.id_number()
    record_id = registered(settings, kind="serious_list", issuer="320100-court", severity="serious",
                           subject={"id_number": person, "name": "张三"}, penalty_types=[])
    render_and_keep(settings, [record_id])
    text = pdf_text(letter_of(settings, record_id)[1])
    assert "严重失信主体名单信用修复告知书" in text and "张三" in text
    assert person not in text and f"{person[:4]}{'*' * 10}{person[-4:]}" in text  # masked in print
    # the courts' track: its own basis and condition, its limit said as to verify
    for expected in ("《最高人民法院关于公布失信被执行人名单信息的若干规定》", "已履行生效法律文书确定的义务",
                     "（以处理单位公布为准）", "履行完毕的证明"):
        assert expected in text, expected
