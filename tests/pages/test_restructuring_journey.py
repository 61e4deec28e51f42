"""破产重整、和解 in chromium at 390 px and 1280 px, against the whole stack: the enterprise finds the way from /my,
fills the form with the court's ruling and uploads the ruling's PDF (a first try without the ruling's number comes
back with the summary, nothing typed lost and the file kept), and lands on the progress page, which shows the
ruling (法院裁定); the market regulator's caseworker checks the ruling on the case page, opens its file and
approves: the record is lifted (暂予修复); the court's system says the plan was carried out, and the progress
page says so and the record is repaired."""

from __future__ import annotations

import re

import httpx
import pytest

from api import clock
from domain.clock import chinese_date
from tests import factories
from tests.materials import pdf_bytes
from tests.pages.browse import check_page, sign_in
from tests.pages.conftest import DESKTOP, PHONE
from tests.pages.test_applicant_journey import _register
from tests.system.steps import eventually

pytestmark = pytest.mark.system
MARKET = "320100-market_regulation"
RULING_NO = "（2026）苏01破12号之二"


def test_a_restructuring_filed_with_its_ruling_is_lifted_then_repaired(web_stack, new_page):
    uscc = factories.uscc(8101)
    record = _register(web_stack, MARKET, uscc, 1, summary="未按规定公示年度报告")  # the minimum period not over
    no = record["record_no"]
    today = clock.today()

    me = new_page(PHONE)
    sign_in(me, web_stack.token("--role", "applicant", "--subject", uscc))
    me.goto("/my")
    me.get_by_role("link", name="申请破产重整（和解）信用修复").click()
    me.wait_for_url("**/my/restructurings")
    text = me.inner_text("main")
    assert "暂时屏蔽" in text and "恢复公示" in text and no in text
    check_page(me, "restructuring-form")

    me.get_by_label("破产重整", exact=True).check()
    me.get_by_label("作出裁定的人民法院").select_option(label="南京市中级人民法院")
    me.get_by_label("裁定日期").fill(str(today))
    me.get_by_label(re.compile(re.escape(no))).check()
    me.set_input_files("#ruling", files=[{"name": "民事裁定书.pdf", "mimeType": "application/pdf",
                                          "buffer": pdf_bytes("ruling")}])
    me.get_by_label("联系电话").fill("13912345678")
    me.get_by_role("button", name="提交申请").click()
    me.wait_for_load_state()
    summary = me.locator("#error-summary")
    assert summary.is_visible() and "请填写人民法院批准重整计划（认可和解协议）的裁定书文号" in summary.inner_text()
    assert me.evaluate("document.activeElement.id") == "error-summary"  # the summary takes the focus
    assert me.get_by_label("作出裁定的人民法院").input_value() == "320100-court"  # nothing lost
    assert me.get_by_label("裁定日期").input_value() == str(today)
    assert me.get_by_label(re.compile(re.escape(no))).is_checked()
    assert "已保留 民事裁定书.pdf" in me.inner_text("main")  # the upload is kept, not asked for again
    check_page(me, "restructuring-refused")

    me.get_by_label("裁定书文号").fill(RULING_NO)
    me.get_by_role("button", name="提交申请").click()
    me.wait_for_url(re.compile(r"/applications/app_\w+\?filed=1$"))
    ruling = me.locator("section", has=me.get_by_role("heading", name="法院裁定", exact=True))
    shown = ruling.inner_text()
    assert "破产重整" in shown and "南京市中级人民法院" in shown and RULING_NO in shown and chinese_date(today) in shown
    progress = me.url.split("?")[0]
    app_id = progress.rsplit("/", 1)[1]
    case_id = me.locator("section.card h2").first.get_attribute("id").removeprefix("case-")
    check_page(me, "restructuring-filed")

    worker = new_page(DESKTOP)
    sign_in(worker, web_stack.token("--role", "caseworker", "--authority", MARKET), f"/cases/{case_id}")
    worker.wait_for_url(f"**/cases/{case_id}")
    checked = worker.locator("section", has=worker.get_by_role("heading", name="法院裁定（请核对）"))
    assert RULING_NO in checked.inner_text() and "南京市中级人民法院" in checked.inner_text()
    opened = worker.request.get(checked.get_by_role("link", name="民事裁定书.pdf").get_attribute("href"))
    assert opened.status == 200 and opened.body() == pdf_bytes("ruling")
    decisions = worker.locator(".decisions")
    decisions.locator("form", has=worker.get_by_role("heading", name="受理", exact=True)).get_by_role(
        "button", name="受理", exact=True).click()
    worker.wait_for_load_state()
    approve = "同意暂予修复（各网站暂时屏蔽）"  # a restructuring's approval lifts the record for now
    eventually(lambda: worker.reload() and worker.get_by_role("button", name=approve).count() == 1,
               timeout=30, every=1)
    check_page(worker, "restructuring-case-review")
    worker.get_by_role("button", name=approve).click()
    worker.wait_for_url(f"**/cases/{case_id}")

    me.goto(progress)
    eventually(lambda: me.reload() and "重整（和解）期间暂予修复" in me.inner_text("main"), timeout=60, every=1)
    told = httpx.post(web_stack.api + f"/api/v1/restructurings/{app_id}/outcome", timeout=30, json={
        "outcome": "carried_out", "ruling_no": "（2026）苏01破12号之五", "ruled_on": str(today)},
        headers=web_stack.token("--role", "integrator", "--authority", "320100-court"))
    assert told.status_code == 202, told.text
    eventually(lambda: me.reload() and "执行完毕" in ruling.inner_text(), timeout=60, every=1)
    assert "（2026）苏01破12号之五" in ruling.inner_text()
    check_page(me, "restructuring-carried-out")
    eventually(lambda: me.reload() and me.locator("dd strong", has_text=re.compile("^已修复$")).count() == 1,
               timeout=90, every=1)
