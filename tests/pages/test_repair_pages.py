"""The repair through the pages: an applicant files one application for records of two issuers, each
caseworker accepts and approves on their workbench, the applicant sees both repaired; a caseworker of a
third authority sees neither and is refused on the case's URL."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.pages.browse import check_page, sign_in
from tests.pdf import pdf_text
from tests.system.steps import eventually, register

pytestmark = pytest.mark.system
MARKET, TAX, OTHER = "320100-market_regulation", "320100-tax", "320100-transport"


def test_home_page_explains_repair_from_the_policy(new_page):
    page = new_page()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    text = page.inner_text("main")
    assert "信用修复免费办理" in text and "12345" in text
    assert "3 个月" in text and "1 年" in text and "3 年" in text  # general min, general/serious max (policy.yaml)
    assert "3 个工作日" in text  # acceptance time limit
    check_page(page, "home")


def test_applicant_applies_for_two_issuers_and_both_caseworkers_repair(web_stack, new_page):
    uscc = factories.uscc(7101)
    market = register(web_stack, MARKET, uscc)
    tax = register(web_stack, TAX, uscc)

    applicant = new_page()
    applicant.goto("/login")
    check_page(applicant, "login")
    sign_in(applicant, web_stack.token("--role", "applicant", "--subject", uscc))
    assert applicant.url.endswith("/my")
    check_page(applicant, "my")
    applicant.get_by_label(re.compile(market["record_no"])).check()
    applicant.get_by_label(re.compile(tax["record_no"])).check()
    applicant.get_by_label("联系电话").fill("13912345678")
    applicant.get_by_label("我已阅读以上信用承诺书，我承诺").check()
    applicant.get_by_role("button", name="提交修复申请").click()
    applicant.wait_for_url(re.compile(r"/applications/app_"))
    assert "申请已提交" in applicant.inner_text("main")
    check_page(applicant, "application-filed")
    app_url = applicant.url.split("?")[0]

    case_urls = {}
    for authority in (MARKET, TAX):
        worker = new_page()
        sign_in(worker, web_stack.token("--role", "caseworker", "--authority", authority))
        assert worker.url.endswith("/workbench")
        if authority == MARKET:
            check_page(worker, "workbench")
        record_no = (market if authority == MARKET else tax)["record_no"]
        worker.get_by_role("link", name=record_no).click()
        case_urls[authority] = worker.url
        if authority == MARKET:
            check_page(worker, "case-pending")
        worker.get_by_role("button", name="受理", exact=True).click()
        assert "审核中" in worker.inner_text("main")
        worker.get_by_role("button", name="同意修复", exact=True).click()
        assert "办理决定已提交" in worker.inner_text("main")

    def both_repaired() -> bool:
        applicant.goto(app_url)
        return applicant.inner_text("main").count("已修复") >= 2

    eventually(both_repaired, timeout=60, every=0.5)
    check_page(applicant, "application-repaired")
    link = applicant.get_by_role("link", name=re.compile(r"下载《信用修复决定书》.*" + re.escape(tax["record_no"])))
    decision = applicant.request.get(link.get_attribute("href"))
    assert decision.status == 200 and decision.headers["content-type"] == "application/pdf"
    text = pdf_text(decision.body())
    assert "信用修复决定书" in text and tax["record_no"] in text and "国家税务总局南京市税务局" in text
    decision_url = link.get_attribute("href")

    outsider = new_page()
    sign_in(outsider, web_stack.token("--role", "caseworker", "--authority", OTHER))
    assert market["record_no"] not in outsider.inner_text("main")
    assert tax["record_no"] not in outsider.inner_text("main")
    assert outsider.request.get(decision_url).status == 404
    response = outsider.goto(case_urls[MARKET])
    assert response is not None and response.status == 404
    assert "不存在或无权查看" in outsider.inner_text("main")
    check_page(outsider, "refused")
