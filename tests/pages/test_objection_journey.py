"""异议申诉 in chromium at 390 px and 1280 px, against the whole stack: the subject finds its record on /my, objects
that the fine is wrong (a first try without reasons comes back with the summary and nothing lost), and lands
on the progress page; the market regulator's caseworker accepts the objection on the case page, sees what is
objected to, and corrects the fine; the subject's progress page then says 已更正 with the old and new amount,
and downloads the 异议处理决定书."""

from __future__ import annotations

import re

import httpx
import pytest

from tests import factories
from tests.pages.browse import check_page, sign_in
from tests.pages.conftest import DESKTOP, PHONE
from tests.pages.test_applicant_journey import _register
from tests.system.steps import eventually

pytestmark = pytest.mark.system
MARKET = "320100-market_regulation"
STATEMENT = "处罚决定书载明罚款2000元，公示为20000元，登记有误。"


def test_a_fine_objected_to_on_my_is_corrected_on_the_case_page(web_stack, new_page):
    uscc = factories.uscc(7901)
    record = _register(web_stack, MARKET, uscc, 4, fine_amount="20000", summary="未按规定标明商品价格")
    no = record["record_no"]

    me = new_page(PHONE)
    sign_in(me, web_stack.token("--role", "applicant", "--subject", uscc))
    me.goto("/my")
    me.get_by_role("link", name=re.compile(f"^提出异议\\W*{re.escape(no)}$")).click()
    me.wait_for_url(f"**/my/objections?record={record['id']}")
    assert "现公示为：20,000.00 元" in me.inner_text("main")
    check_page(me, "objection-form")

    me.get_by_label("信息内容有误").check()
    me.get_by_label("正确的罚款金额").fill("2000")
    me.get_by_label("联系电话").fill("13912345678")
    me.get_by_role("button", name="提交异议申诉").click()
    me.wait_for_load_state()
    summary = me.locator("#error-summary")
    assert summary.is_visible() and "请写明异议的事实和理由" in summary.inner_text()
    assert me.evaluate("document.activeElement.id") == "error-summary"  # the summary takes the focus
    assert me.get_by_label("正确的罚款金额").input_value() == "2000"  # nothing lost
    assert me.get_by_label("信息内容有误").is_checked()
    check_page(me, "objection-refused")

    me.get_by_label("异议的事实和理由").fill(STATEMENT)
    me.get_by_role("button", name="提交异议申诉").click()
    me.wait_for_url(re.compile(r"/applications/app_\w+\?objected=1$"))
    text = me.inner_text("main")
    assert "异议申诉已提交" in text and "异议申诉：" in text and STATEMENT in text and "罚款金额：2,000.00 元" in text
    progress = me.url.split("?")[0]
    case_id = me.locator("section.card h2").first.get_attribute("id").removeprefix("case-")
    check_page(me, "objection-filed")

    worker = new_page(DESKTOP)
    sign_in(worker, web_stack.token("--role", "caseworker", "--authority", MARKET), f"/cases/{case_id}")
    worker.wait_for_url(f"**/cases/{case_id}")
    assert worker.get_by_role("heading", level=1).inner_text() == f"异议申诉：{no}"
    decisions = worker.locator(".decisions")
    assert decisions.get_by_role("button", name="不予修复").count() == 0
    decisions.locator("form", has=worker.get_by_role("heading", name="受理", exact=True)).get_by_role(
        "button", name="受理", exact=True).click()
    worker.wait_for_load_state()
    eventually(lambda: worker.reload() and worker.get_by_role("heading", name="更正信息", exact=True).count() == 1,
               timeout=30, every=1)
    correct = worker.locator("form", has=worker.get_by_role("heading", name="更正信息", exact=True))
    assert worker.locator("form", has=worker.get_by_role("heading", name="维持原信息", exact=True)).count() == 1
    assert worker.get_by_role("button", name="不予修复").count() == 0
    main = worker.inner_text("main")
    assert STATEMENT in main and "罚款金额：2,000.00 元（现公示为：20,000.00 元）" in main
    check_page(worker, "objection-case-review")
    correct.get_by_label("罚款金额").fill("2000")
    correct.get_by_label("更正的理由（核查情况）").fill("核对处罚决定书原件，罚款金额登记错误")
    correct.get_by_role("button", name="更正信息", exact=True).click()
    worker.wait_for_url(f"**/cases/{case_id}")
    assert "办理决定已提交" in worker.inner_text("main")

    me.goto(progress)
    eventually(lambda: me.reload() and me.locator("dd strong", has_text=re.compile("^已更正$")).count() == 1,
               timeout=60, every=1)
    text = me.inner_text("main")
    assert "罚款金额：由 20,000.00 元 更正为 2,000.00 元" in text
    link = me.get_by_role("link", name=re.compile("下载《异议处理决定书》"))
    assert link.count() == 1
    check_page(me, "objection-corrected")
    with me.expect_download(timeout=60_000) as download:
        link.click()
    assert download.value.suggested_filename == f"异议处理决定书-{no}.pdf"

    shown = httpx.get(web_stack.api + f"/api/v1/subjects/{uscc}/records",
                      headers=web_stack.token("--role", "applicant", "--subject", uscc)).json()
    assert [r["fine_amount"] for r in shown if r["id"] == record["id"]] == ["2000.00"]
