"""破产重整、和解 on the pages, without a browser: the form on /my (and the counter's for the walk-in it serves)
lists only the records a plan can cover, a record with an open case shown but not offered, and the courts of the
directory; a refusal (no ruling number, a day after today, no record, not a court, no ruling file) comes back
next to its field with everything typed kept and nothing stored; a filing is redirected to its progress, which
shows the court's ruling (法院裁定) and later the plan's outcome, and each handler's case page shows the ruling
to check, with its file where it is kept. The filings run their workflows on a time-skipping server (the
routes' `api`)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import Session, func, select

from api import clock
from config.settings import get_settings
from domain.clock import chinese_date
from store.db import engine_for, session_scope
from store.models import Application, CreditRecord, Restructuring
from tests import factories
from tests.api.routes.conftest import api, routes_env  # noqa: F401 - the routes' app on a time-skipping server
from tests.api.web.test_objection_pages import _application, _case, _sign_in
from tests.api.web.test_payment_page import registered
from tests.api.web.test_rating_page import csrf_of, signed_in
from tests.materials import elf_bytes, pdf_bytes

ISSUER = "320100-market_regulation"  # factories.record_body's issuer, the record's handler
OTHER = "320100-transport"
COUNTER = "320100-service_centre"
RULING_NO = "（2026）苏01破12号之二"


def _set(record_id: str, **values: object) -> None:
    """A record moved where the page must judge it (repaired, past its maximum period, a case open on it),
    written to the store directly: the page only reads it."""
    with session_scope(engine_for(get_settings().db_url)) as s:
        row = s.get(CreditRecord, record_id)
        for name, value in values.items():
            setattr(row, name, value)
        s.add(row)


def _stored() -> tuple[int, int]:
    with Session(engine_for(get_settings().db_url)) as s:
        return (s.exec(select(func.count()).select_from(Restructuring)).one(),
                s.exec(select(func.count()).select_from(Application)).one())


def _form(page: str, record_ids: list[str], **over: object) -> dict[str, object]:
    return {"csrf": csrf_of(page), "kind": "reorganisation", "court": "320100-court", "ruling_no": RULING_NO,
            "ruled_on": str(clock.today()), "record_ids": record_ids, "contact_phone": "13912345678", **over}


def _ruling(name: str = "裁定书.pdf", data: bytes | None = None) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("ruling", (name, data if data is not None else pdf_bytes("ruling"), "application/pdf"))]


def test_the_form_offers_only_what_a_plan_can_cover_to_the_subject_and_the_counter(client):
    uscc = factories.uscc()
    shown, repaired, expired, taken = (registered(uscc) for _ in range(4))
    _set(repaired["id"], state="repaired")
    _set(expired["id"], max_publicity_end=clock.today() - timedelta(days=1))
    _set(taken["id"], open_case_id="case_elsewhere")
    my = signed_in(client, "applicant", subject=uscc).get("/my")
    assert 'href="/my/restructurings">申请破产重整（和解）信用修复' in my.text
    page = client.get("/my/restructurings")
    assert page.status_code == 200
    assert re.search(rf'id="rec-{shown["id"]}" name="record_ids" value="{shown["id"]}">', page.text)
    assert re.search(rf'id="rec-{taken["id"]}" name="record_ids" value="{taken["id"]}" disabled', page.text)
    assert "已有申请正在办理，办结后可以申请" in page.text
    assert repaired["record_no"] not in page.text and expired["record_no"] not in page.text
    assert '<option value="320100-court">南京市中级人民法院</option>' in page.text
    assert '<option value="320000-court">江苏省高级人民法院</option>' in page.text
    assert f'<option value="{ISSUER}"' not in page.text  # only courts
    assert 'value="reorganisation"' in page.text and 'value="settlement"' in page.text
    assert 'name="ruling"' in page.text and f'placeholder="{RULING_NO}"' in page.text
    assert "暂时屏蔽" in page.text and "恢复公示" in page.text and "执行完毕" in page.text

    window = signed_in(client, "window", authority=COUNTER).get(f"/window?subject={uscc}")
    href = f"/window/restructurings?subject={uscc}"
    assert f'href="{href}">申请破产重整（和解）信用修复' in window.text
    counter = client.get(href)
    assert counter.status_code == 200 and f'name="subject" value="{uscc}"' in counter.text
    assert 'action="/window/restructurings"' in counter.text and shown["record_no"] in counter.text

    assert client.get("/my/restructurings").status_code == 403  # a clerk has no subject of their own
    assert signed_in(client, "applicant", subject=uscc).get(href).status_code == 403
    assert signed_in(client, "caseworker", authority=ISSUER).get("/my/restructurings").status_code == 403


def test_no_link_while_no_record_can_be_chosen(client):
    uscc = factories.uscc()
    _set(registered(uscc)["id"], state="repaired")
    _set(registered(uscc)["id"], open_case_id="case_elsewhere")
    assert "/my/restructurings" not in signed_in(client, "applicant", subject=uscc).get("/my").text
    page = client.get("/my/restructurings")
    assert page.status_code == 200 and 'name="ruling_no"' not in page.text
    assert "可以申请的信息均已有申请正在办理" in page.text


def test_refusals_come_back_next_to_their_fields_with_everything_kept_and_nothing_stored(client):
    uscc = factories.uscc()
    record, taken = registered(uscc), registered(uscc)
    _set(taken["id"], open_case_id="case_elsewhere")
    page = signed_in(client, "applicant", subject=uscc).get("/my/restructurings").text
    before = _stored()

    tomorrow = str(clock.today() + timedelta(days=1))
    sent = _form(page, [], ruling_no=" ", ruled_on=tomorrow, court=ISSUER, kind="settlement", contact_phone="139")
    r = client.post("/my/restructurings", data=sent, files=_ruling())
    assert r.status_code == 422 and re.search(r"<title>错误：", r.text)
    assert 'id="ruling_no-error">请填写人民法院批准重整计划（认可和解协议）的裁定书文号' in r.text
    assert 'id="ruled_on-error">裁定日期不能晚于今天' in r.text
    assert 'id="record_ids-error">请至少选择一条失信信息' in r.text
    assert 'id="court-error">所选法院未配置，请选择作出裁定的人民法院' in r.text
    assert 'id="contact_phone-error">请填写正确的11位手机号码' in r.text
    assert f'href="#rec-{record["id"]}"' in r.text and 'href="#ruling_no"' in r.text  # the summary links
    assert f'value="{tomorrow}"' in r.text and 'value="139"' in r.text
    assert re.search(r'id="kind-settlement" name="kind" value="settlement"[^>]* checked', r.text)
    kept = re.findall(r'name="kept" value="(mat_\w+)"', r.text)
    assert len(kept) == 1 and "已保留</span> 裁定书.pdf" in r.text  # the good file is kept for the next try

    again = client.post("/my/restructurings", data=_form(page, [record["id"]], ruling_no="", court="", kept=kept))
    assert again.status_code == 422 and 'id="court-error">请选择作出裁定的人民法院' in again.text
    assert re.search(rf'id="rec-{record["id"]}" name="record_ids" value="{record["id"]}" checked', again.text)
    assert re.findall(r'name="kept" value="(mat_\w+)"', again.text) == kept

    missing = client.post("/my/restructurings", data=_form(page, [record["id"]]))
    assert missing.status_code == 422 and 'id="ruling-error">请上传人民法院的裁定书' in missing.text
    bad = client.post("/my/restructurings", data=_form(page, [record["id"]]), files=_ruling("x.pdf", elf_bytes()))
    assert bad.status_code == 422 and 'id="ruling-error">x.pdf：' in bad.text
    odd = client.post("/my/restructurings", data=_form(page, [record["id"]], kind="liquidation", ruled_on="18/3"))
    assert 'id="kind-error">请选择破产重整或破产和解' in odd.text
    assert 'id="ruled_on-error">裁定日期格式不正确' in odd.text

    # a record with an open case is not offered; sent anyway, the service refuses it next to the records
    forged = client.post("/my/restructurings", data=_form(page, [taken["id"]], kept=kept))
    assert forged.status_code == 422 and 'id="record_ids-error">所选信息已有正在办理的修复申请' in forged.text
    assert re.findall(r'name="kept" value="(mat_\w+)"', forged.text) == kept
    assert _stored() == before
    assert client.post("/my/restructurings", data={**_form(page, [record["id"]]), "csrf": ""}).status_code == 403


async def test_a_restructuring_filed_on_my_shows_its_ruling_on_the_progress_and_case_pages(api):  # noqa: F811
    uscc = factories.uscc()
    first, second = registered(uscc), registered(uscc, issuer=OTHER)
    _sign_in(api, "applicant", subject=uscc)
    page = (await api.get("/my/restructurings")).text
    r = await api.post("/my/restructurings", data=_form(page, [first["id"], second["id"]]), files=_ruling(),
                       follow_redirects=False)
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    assert re.fullmatch(r"/applications/app_\w+\?filed=1", location)
    app_id = location.split("?")[0].removeprefix("/applications/")
    progress = (await api.get(location)).text
    assert "申请已提交" in progress and "<h2 id=\"ruling-title\">法院裁定</h2>" in progress
    assert "破产重整" in progress and "南京市中级人民法院" in progress
    assert f"<dd>{RULING_NO}</dd>" in progress and f"<dd>{chinese_date(clock.today())}</dd>" in progress
    assert "尚待人民法院告知执行结果" in progress

    cases = re.findall(r'id="case-(case_\w+)"', progress)
    assert len(cases) == 2
    pages = {}
    for who in (ISSUER, OTHER):
        _sign_in(api, "caseworker", authority=who)
        for case_id in cases:
            shown = await api.get(f"/cases/{case_id}")
            if shown.status_code == 200:
                pages[who] = shown.text
    mine, theirs = pages[ISSUER], pages[OTHER]
    assert "法院裁定（请核对）" in mine and RULING_NO in mine and "南京市中级人民法院" in mine
    ruling = re.search(r'href="(/materials/mat_\w+)" target="_blank" rel="noopener">裁定书.pdf</a>', mine)
    assert ruling and "（人民法院裁定书，" in mine
    assert "信用承诺书：申请时已在线签署" not in mine  # a restructuring signs no commitment
    _sign_in(api, "caseworker", authority=ISSUER)
    assert (await api.get(ruling.group(1))).status_code == 200
    # the file is kept with the first case, and the other handler reads the same ruling
    assert RULING_NO in theirs and ruling.group(1) in theirs
    _sign_in(api, "caseworker", authority=OTHER)
    assert (await api.get(ruling.group(1))).status_code == 200

    with session_scope(engine_for(get_settings().db_url)) as s:  # the court's word, as its report stores it
        row = s.get(Restructuring, app_id)
        row.outcome, row.outcome_ruling_no, row.outcome_on = "carried_out", "（2026）苏01破12号之五", clock.today()
        s.add(row)
    _sign_in(api, "applicant", subject=uscc)
    told = (await api.get(f"/applications/{app_id}")).text
    assert f"<strong>执行完毕</strong>，{chinese_date(clock.today())}，文号：（2026）苏01破12号之五" in told


async def test_the_counter_files_for_the_walk_in_and_prints_the_receipt(api):  # noqa: F811
    uscc = factories.uscc()
    record = registered(uscc)
    _sign_in(api, "window", authority=COUNTER)
    page = (await api.get(f"/window/restructurings?subject={uscc}")).text
    r = await api.post("/window/restructurings", data={**_form(page, [record["id"]]), "subject": uscc},
                       files=_ruling(), follow_redirects=False)
    assert r.status_code == 303 and re.fullmatch(r"/applications/app_\w+/receipt", r.headers["location"])
    receipt = await api.get(r.headers["location"])
    assert receipt.status_code == 200 and record["record_no"] in receipt.text


def _restructuring(uscc: str, kind: str, state: str, filed_by: str = "applicant:x") -> tuple[str, str]:
    """A restructuring application with its ruling and one case in `state`, written to the store directly (no
    workflow: the pages only read them)."""
    app_id = _application(uscc, filed_by=filed_by)
    case_id = _case(app_id, registered(uscc)["id"], state, request="restructuring")
    with session_scope(engine_for(get_settings().db_url)) as s:
        s.add(Restructuring(application_id=app_id, subject_key=uscc, kind=kind, court="320100-court",
                            ruling_no=RULING_NO, ruled_on=clock.today()))
    return app_id, case_id


def test_my_and_the_counter_mark_a_restructuring_by_its_kind(client):
    uscc = factories.uscc()
    reorganised, _ = _restructuring(uscc, "reorganisation", "pending_acceptance", filed_by="window:t")
    settled, _ = _restructuring(uscc, "settlement", "lifted")
    my = signed_in(client, "applicant", subject=uscc).get("/my")
    assert my.status_code == 200
    assert re.search(rf'href="/applications/{reorganised}">[^<]* 提交的申请（破产重整）</a>', my.text)
    assert re.search(rf'href="/applications/{settled}">[^<]* 提交的申请（破产和解）</a>', my.text)
    window = signed_in(client, "window", authority=COUNTER).get("/window")
    assert window.status_code == 200
    assert re.search(rf'href="/applications/{reorganised}">江苏某某商贸有限公司 · [^<]*（破产重整）</a>', window.text)
    assert f"/applications/{settled}" not in window.text  # filed online: not the clerk's


def test_approval_reads_as_a_provisional_lifting_on_the_case_and_progress_pages(client):
    uscc = factories.uscc()
    app_id, case_id = _restructuring(uscc, "settlement", "under_review")
    page = signed_in(client, "caseworker", authority=ISSUER).get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert "<h3>同意暂予修复（各网站暂时屏蔽）</h3>" in page.text
    assert '<button type="submit">同意暂予修复（各网站暂时屏蔽）</button>' in page.text
    assert "<h3>同意修复</h3>" not in page.text and ">同意修复</button>" not in page.text
    assert '<button type="submit" class="danger">不予修复</button>' in page.text

    progress = signed_in(client, "applicant", subject=uscc).get(f"/applications/{app_id}")
    assert progress.status_code == 200
    assert ("前作出是否同意暂予修复的决定；同意的，破产和解期间该信息在各信用网站暂时屏蔽，"
            "人民法院确认和解协议执行完毕后予以信用修复，和解协议未能执行的恢复公示。") in progress.text
    assert "随即通知各信用网站撤下" not in progress.text and "是否同意修复的决定" not in progress.text

    # a plain repair reads as before, on both pages
    repair = _application(uscc)
    repair_case = _case(repair, registered(uscc)["id"], "under_review")
    page = signed_in(client, "caseworker", authority=ISSUER).get(f"/cases/{repair_case}")
    assert "<h3>同意修复</h3>" in page.text and "暂予修复" not in page.text
    progress = signed_in(client, "applicant", subject=uscc).get(f"/applications/{repair}")
    assert "前作出是否同意修复的决定；同意修复的，随即通知各信用网站撤下。" in progress.text
