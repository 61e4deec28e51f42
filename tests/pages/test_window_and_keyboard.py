"""A counter clerk files for a subject and prints the receipt; an applicant files with the keyboard alone
and watches the progress change without reloading."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests import factories
from tests.pages.browse import check_page, sign_in
from tests.pages.conftest import PHONE
from tests.system.steps import apply, decide, register

pytestmark = pytest.mark.system


def test_counter_clerk_files_on_a_subjects_behalf_and_prints_the_receipt(web_stack, new_page):
    uscc = factories.uscc(7201)
    record = register(web_stack, "320100-transport", uscc)
    clerk = new_page()
    sign_in(clerk, web_stack.token("--role", "window", "--sub", "window-nj-07", "--name", "陈静"))
    assert clerk.url.endswith("/window")

    wrong = uscc[:-1] + ("0" if uscc[-1] != "0" else "1")
    clerk.get_by_label("统一社会信用代码或身份证号码").fill(wrong)
    clerk.get_by_role("button", name="查询", exact=True).click()
    assert "校验不通过" in clerk.inner_text("main")
    assert clerk.get_by_label("统一社会信用代码或身份证号码").input_value() == wrong  # what was typed is kept
    check_page(clerk, "window-invalid")

    clerk.get_by_label("统一社会信用代码或身份证号码").fill(uscc)
    clerk.get_by_role("button", name="查询", exact=True).click()
    clerk.get_by_label(re.compile(re.escape(record["record_no"]))).check()
    clerk.get_by_label("联系电话").fill("13912345678")
    clerk.get_by_role("button", name="提交修复申请").click()
    assert "请阅读信用承诺书" in clerk.inner_text("main")  # commitment not ticked: refused, nothing filed
    assert clerk.get_by_label("联系电话").input_value() == "13912345678"
    check_page(clerk, "window-refused")
    clerk.get_by_label("我已阅读以上信用承诺书，我承诺").check()
    clerk.get_by_role("button", name="提交修复申请").click()
    clerk.wait_for_url(re.compile(r"/applications/app_\w+/receipt"))
    text = clerk.inner_text("main")
    assert "提交回执" in text and "南京市交通运输局" in text and "政务服务中心窗口代办" in text and "陈静" in text
    check_page(clerk, "receipt")

    app_id = clerk.url.split("/")[-2]
    progress = httpx.get(web_stack.api + f"/api/v1/applications/{app_id}",
                         headers=web_stack.token("--role", "applicant", "--subject", uscc)).json()
    assert progress["channel"] == "window"
    assert len(progress["cases"]) == 1


def test_counter_finds_an_online_application_by_the_query_code_a_person_reads_out(web_stack, new_page):
    uscc = factories.uscc(7202)
    record = register(web_stack, "320100-transport", uscc)
    created = apply(web_stack, uscc, [record["id"]]).json()
    code = created["query_code"]
    applicant = new_page(PHONE)
    sign_in(applicant, web_stack.token("--role", "applicant", "--subject", uscc), f"/applications/{created['id']}")
    shown = f"{code[:4]} {code[4:7]} {code[7:]}"
    assert shown in applicant.inner_text("main")  # what the person reads out

    clerk = new_page(PHONE)
    sign_in(clerk, web_stack.token("--role", "window", "--sub", "window-nj-08"))
    clerk.get_by_label("查询码", exact=True).fill(shown)
    clerk.get_by_label("申请时所留电话的后4位").fill("0000")
    clerk.get_by_role("button", name="查询进度").click()
    assert "没有与该查询码和联系电话后4位相符的申请" in clerk.inner_text("main")
    assert clerk.get_by_label("查询码", exact=True).input_value() == shown
    check_page(clerk, "window-lookup-refused")
    clerk.get_by_label("申请时所留电话的后4位").fill("5678")
    clerk.get_by_role("button", name="查询进度").click()
    text = clerk.inner_text("main")
    assert "查询结果" in text and record["record_no"] in text and "待受理" in text and "网上申请" in text
    check_page(clerk, "window-lookup")


def tab_to(page, element_id: str, limit: int = 80) -> None:
    """Tab until the element has the focus: it is reachable by keyboard, in document order."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} never got the keyboard focus")


def test_application_form_with_the_keyboard_alone_then_live_progress(web_stack, new_page):
    uscc = factories.uscc(7301)
    first = register(web_stack, "320100-ecology_environment", uscc)
    second = register(web_stack, "320100-housing_construction", uscc)
    applicant = new_page()
    sign_in(applicant, web_stack.token("--role", "applicant", "--subject", uscc))
    tab_to(applicant, f"rec-{first['id']}")
    applicant.keyboard.press("Space")
    tab_to(applicant, f"rec-{second['id']}")
    applicant.keyboard.press("Space")
    tab_to(applicant, "contact_phone")
    applicant.keyboard.type("13912345678")
    tab_to(applicant, "commitment")
    applicant.keyboard.press("Space")
    applicant.keyboard.press("Tab")  # to the submit button
    assert applicant.evaluate("document.activeElement.textContent") == "提交修复申请"
    applicant.keyboard.press("Enter")
    applicant.wait_for_url(re.compile(r"/applications/app_"))
    assert applicant.inner_text("main").count("待受理") == 2

    # JavaScript on: the page follows the decision without a reload
    applicant.evaluate("window.__same_page = true")
    app_id = applicant.url.split("/")[-1].split("?")[0]
    cases = httpx.get(web_stack.api + f"/api/v1/applications/{app_id}",
                      headers=web_stack.token("--role", "applicant", "--subject", uscc)).json()["cases"]
    case = next(c for c in cases if c["handler"] == "320100-ecology_environment")
    assert decide(web_stack, case["id"], "320100-ecology_environment", "accept").status_code == 200
    # a locator's expectation, not a string evaluated in the page: the pages' CSP allows no eval, tests included
    expect(applicant.locator("#cases")).to_contain_text("审核中", timeout=20_000)
    early = httpx.get(web_stack.api + f"/api/v1/cases/{case['id']}/decision.pdf",
                      headers=web_stack.token("--role", "applicant", "--subject", uscc))
    assert early.status_code == 409 and early.json()["code"] == "NOT_APPROVED"
    assert applicant.evaluate("window.__same_page") is True
