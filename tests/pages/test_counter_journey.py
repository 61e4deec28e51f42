"""The counter's journeys in a real browser (issue 10 items 13 and 15): a clerk helps a walk-in whose
application was filed online (finds it by the query code and phone, answers its supplement on the
applicant's behalf, and the applicant's page shows it answered, by the counter); and a clerk files for a
subject and prints the receipt of submission, which names the clerk, says what comes next and by when,
and has lines to sign and a place to seal."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.materials import png_bytes
from tests.pages.browse import check_page, sign_in
from tests.pages.conftest import PHONE, SHOTS
from tests.pdf import pdf_pages
from tests.system.steps import apply, decide, register

pytestmark = pytest.mark.system

ASKED = "请补充法院出具的履行完毕证明"


def _csrf(page) -> str:
    return page.locator("input[name=csrf]").first.input_value()


def test_the_counter_answers_the_supplement_of_an_online_application_for_a_walk_in(web_stack, new_page):
    uscc = factories.uscc(7501)
    record = register(web_stack, "320100-court", uscc)
    created = apply(web_stack, uscc, [record["id"]]).json()
    app_id, case_id, code = created["id"], created["cases"][0]["id"], created["query_code"]
    asked = decide(web_stack, case_id, "320100-court", "request_supplement", ASKED)
    assert asked.status_code == 200, asked.text

    clerk = new_page(PHONE)
    sign_in(clerk, web_stack.token("--role", "window", "--sub", "window-nj-21", "--name", "李静"))
    # filed online, not by this clerk: neither its page nor its supplement without the lookup
    assert clerk.request.get(f"/applications/{app_id}").status == 404
    blind = clerk.request.post(f"/window/cases/{case_id}/supplement", multipart={
        "csrf": _csrf(clerk), "application_id": app_id, "grant": "9999999999.forged",
        "supplement": {"name": "证明.png", "mimeType": "image/png", "buffer": png_bytes()}})
    assert blind.status == 404
    reopened = clerk.request.get(f"/window/cases/{case_id}/supplement", max_redirects=0)
    assert reopened.status == 303 and reopened.headers["location"] == "/window"

    clerk.get_by_label("查询码", exact=True).fill(f"{code[:4]} {code[4:7]} {code[7:]}")
    clerk.get_by_label("申请时所留电话的后4位").fill("5678")
    clerk.get_by_role("button", name="查询进度").click()
    text = clerk.inner_text("main")
    assert "查询结果" in text and f"代申请人补正材料：{record['record_no']}" in text and ASKED in text
    check_page(clerk, "counter-found-supplement")

    field = f"#supplement-{case_id}"
    clerk.get_by_role("button", name="代申请人提交补正材料").click()  # nothing chosen: said, nothing sent
    assert "请选择要提交的补正材料" in clerk.inner_text("main")
    clerk.set_input_files(field, files=[{"name": "证明.png", "mimeType": "image/png", "buffer": png_bytes()}])
    clerk.get_by_role("button", name="代申请人提交补正材料").click()
    clerk.wait_for_url(re.compile(rf"/window/applications/{app_id}\?grant=.+&supplemented=1"))
    text = clerk.inner_text("main")
    assert "补正材料已代申请人提交" in text and "待受理" in text
    assert "由政务服务中心窗口代申请人提交，经办人李静" in text
    assert "代申请人补正材料：" not in text  # nothing is asked any more
    check_page(clerk, "counter-supplemented")

    # the grant is this clerk's, in this session: a colleague with the same link gets the lookup again
    colleague = new_page()
    sign_in(colleague, web_stack.token("--role", "window", "--sub", "window-nj-22"))
    shown = colleague.goto(clerk.url)
    assert shown is not None and shown.status == 403
    assert "请重新凭查询码和电话后4位查询" in colleague.inner_text("main")
    assert "由政务服务中心窗口代申请人提交" not in colleague.inner_text("main")

    applicant = new_page(PHONE)
    sign_in(applicant, web_stack.token("--role", "applicant", "--subject", uscc), f"/applications/{app_id}")
    expect(applicant.locator("main")).to_contain_text("由政务服务中心窗口代申请人提交，经办人李静")
    text = applicant.inner_text("main")
    assert "待受理" in text and "已提交补正材料" in text and f"补正材料：{record['record_no']}" not in text
    check_page(applicant, "counter-supplement-applicant")

    worker = new_page()
    sign_in(worker, web_stack.token("--role", "caseworker", "--authority", "320100-court"), f"/cases/{case_id}")
    assert "证明.png（补正材料" in worker.inner_text("main")
    with sqlite3.connect(web_stack.var / "xiufu.db") as db:  # the clerk is the actor, as a window
        assert db.execute("select actor, actor_role from case_event where case_id = ? and action = 'supplement'",
                          (case_id,)).fetchall() == [("window-nj-21", "window")]


def test_the_counters_receipt_names_the_clerk_and_says_what_comes_next(web_stack, new_page):
    uscc = factories.uscc(7502)
    first = register(web_stack, "320100-market_regulation", uscc)
    second = register(web_stack, "320100-tax", uscc)
    clerk = new_page(PHONE)
    sign_in(clerk, web_stack.token("--role", "window", "--sub", "window-nj-23", "--name", "王晓敏"))

    clerk.get_by_label("统一社会信用代码或身份证号码").fill(uscc[:-1])
    clerk.get_by_role("button", name="查询", exact=True).click()
    assert "统一社会信用代码或身份证号码应为18位，您输入了17位" in clerk.inner_text("main")
    clerk.get_by_label("统一社会信用代码或身份证号码").fill("91320100MA1ABCD")
    clerk.get_by_role("button", name="查询", exact=True).click()
    assert "统一社会信用代码应为18位，您输入了15位" in clerk.inner_text("main")
    check_page(clerk, "window-wrong-length")

    clerk.get_by_label("统一社会信用代码或身份证号码").fill(uscc)
    clerk.get_by_role("button", name="查询", exact=True).click()
    for record in (first, second):
        clerk.get_by_label(re.compile(re.escape(record["record_no"]))).check()
    clerk.get_by_label("联系电话").fill("13912345678")
    clerk.get_by_label("我已阅读以上信用承诺书，我承诺").check()
    clerk.get_by_role("button", name="提交修复申请").click()
    clerk.wait_for_url(re.compile(r"/applications/app_\w+/receipt"))

    main = clerk.inner_text("main")
    assert clerk.title().startswith("提交回执") and "信用修复申请提交回执" in main and "受理回执" not in main
    assert "各办理机关尚未受理" in main
    assert "窗口经办人\n王晓敏" in main and "window-nj-23" not in main
    assert "139****5678" in main and "13912345678" not in main
    assert main.count("作出是否受理的决定") == 2 and main.count("受理后7个工作日内作出是否同意修复的决定") == 2
    assert "南京市市场监督管理局" in main and "国家税务总局南京市税务局" in main
    assert "12345" in main
    for line in ("申请人签字", "窗口经办人签字", "窗口盖章"):
        assert line in main
    app_id = clerk.url.split("/")[-2]
    cases = clerk.request.get(f"/applications/{app_id}").text()
    deadline = re.search(r"受理期限</dt><dd>(\S+?)前", cases)
    assert deadline is not None  # the date the receipt promises is the case's own acceptance deadline
    assert f"于{deadline.group(1)}前作出是否受理的决定" in main
    check_page(clerk, "counter-receipt")

    # on paper: the page's frame and the print button drop out, the signature block stays whole on one A4 page
    clerk.emulate_media(media="print")
    assert not clerk.locator("header.site").is_visible() and not clerk.locator("#print").is_visible()
    assert clerk.get_by_text("窗口盖章").is_visible()
    pdf = clerk.pdf(format="A4", print_background=True)
    (SHOTS / "counter-receipt.pdf").write_bytes(pdf)
    pages = pdf_pages(pdf)
    assert "查询码" in pages[0] and "江苏省信用修复" not in "".join(pages) and "打印回执" not in "".join(pages)
    assert any(all(line in page for line in ("申请人签字", "窗口经办人签字", "窗口盖章")) for page in pages)
    clerk.emulate_media(media="screen")
