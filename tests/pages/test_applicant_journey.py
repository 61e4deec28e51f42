"""The applicant's journey through the pages (issue 10): records they recognise, grouped by what can be done
with them; which records need a proof said before submitting; a refused form summarised at the top with the
focus there and links to the fields; a good upload kept while another is refused; the progress page's
deadlines in plain words; and the error pages, Chinese first, with a way back for the role."""

from __future__ import annotations

import re

import httpx
import pytest

from api import clock
from domain.periods import add_months
from tests import factories
from tests.materials import elf_bytes, pdf_bytes
from tests.pages.browse import check_page, sign_in
from tests.system.steps import apply, decide, eventually, register

pytestmark = pytest.mark.system
NATURAL, ECOLOGY, MARKET = "320100-natural_resources", "320100-ecology_environment", "320100-market_regulation"


def _register(stack, issuer: str, uscc: str, months_ago: int, **over) -> dict:
    body = factories.record_body(issuer=issuer, decided_on=str(add_months(clock.today(), -months_ago)),
                                 subject={"uscc": uscc, "name": "南京示例环保有限公司"}, **over)
    r = httpx.post(stack.api + "/api/v1/records", json=body,
                   headers=stack.token("--role", "integrator", "--authority", issuer))
    assert r.status_code == 201, r.text
    return r.json()


def test_records_read_as_what_they_are_and_a_refused_form_keeps_the_good_proof(web_stack, new_page):
    uscc = factories.uscc(7501)
    fined = _register(web_stack, NATURAL, uscc, 4, obligations_fulfilled=None, fine_amount="20000",
                      summary="未经批准占用耕地")
    warned = _register(web_stack, ECOLOGY, uscc, 4, obligations_fulfilled=None, penalty_types=["警告", "罚款"],
                       fine_amount="3500.5", summary="未按规定设置排污口标志")
    recent = _register(web_stack, NATURAL, uscc, 1, summary="擅自开采砂石")
    listed = _register(web_stack, MARKET, uscc, 2, kind="abnormal_list", penalty_types=[], fine_amount=None,
                       summary="通过登记的住所无法联系")
    repaired = register(web_stack, MARKET, uscc)
    case_id = apply(web_stack, uscc, [repaired["id"]]).json()["cases"][0]["id"]
    assert decide(web_stack, case_id, MARKET, "accept").status_code == 200
    assert decide(web_stack, case_id, MARKET, "approve").status_code == 200

    def is_repaired() -> bool:
        r = httpx.get(web_stack.api + f"/api/v1/subjects/{uscc}/records",
                      headers=web_stack.token("--role", "applicant", "--subject", uscc))
        return any(x["id"] == repaired["id"] and x["state"] == "repaired" for x in r.json())

    eventually(is_repaired, timeout=60, every=0.5)

    page = new_page()
    sign_in(page, web_stack.token("--role", "applicant", "--subject", uscc))
    main = page.inner_text("main")
    assert "未经批准占用耕地" in main and "罚款 20,000.00 元" in main
    assert "警告、罚款 3,500.50 元" in main
    assert "其中 2 条需要上传已履行法定义务的证明材料" in main
    # only what can be applied for is offered as a box; the others say what they are
    assert page.locator("input[name=record_ids]").count() == 3
    # each record says its track: the abnormal list's removal counted from the application (issue 11)
    removal = page.locator("li.card", has_text=listed["record_no"]).inner_text()
    assert "移出经营异常名录：自申请之日起 5 个工作日内作出决定" in removal and "补报未报年份的年度报告" in removal
    assert "行政处罚信息信用修复：受理后 7 个工作日内作出决定" in main
    others = page.locator("li.card", has_text=recent["record_no"])
    assert "暂不能申请" in others.inner_text() and "最短公示期未满" in others.inner_text()
    done = page.locator("li.card", has_text=repaired["record_no"])
    assert "已修复" in done.inner_text() and "暂不能申请" not in done.inner_text()
    check_page(page, "my-records")

    # a good proof for one record, a program disguised as a PDF for the other, the commitment not ticked
    page.get_by_label(re.compile(re.escape(fined["record_no"]))).check()
    page.get_by_label(re.compile(re.escape(warned["record_no"]))).check()
    page.set_input_files(f"#proof-{fined['id']}", files=[{"name": "缴款凭证.pdf", "mimeType": "application/pdf",
                                                           "buffer": pdf_bytes()}])
    page.set_input_files(f"#proof-{warned['id']}", files=[{"name": "假凭证.pdf", "mimeType": "application/pdf",
                                                            "buffer": elf_bytes()}])
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_role("button", name="提交修复申请").click()
    page.wait_for_load_state()
    assert page.title().startswith("错误：")
    summary = page.locator("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"  # the focus is on the summary
    links = summary.get_by_role("link")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        f"#proof-{warned['id']}", "#commitment"]  # in the order of the form
    assert "假凭证.pdf：只能上传" in summary.inner_text()
    kept = page.locator(f"#proof-{fined['id']}-kept")
    assert "已保留" in kept.inner_text() and "缴款凭证.pdf" in kept.inner_text()
    check_page(page, "my-refused-summary")
    links.nth(1).click()
    assert page.evaluate("document.activeElement.id") == "commitment"

    # the browser forgot the ticks and the files: ticking again and adding the missing proof files it
    page.get_by_label(re.compile(re.escape(fined["record_no"]))).check()
    page.get_by_label(re.compile(re.escape(warned["record_no"]))).check()
    page.set_input_files(f"#proof-{warned['id']}", files=[{"name": "罚款收据.pdf", "mimeType": "application/pdf",
                                                            "buffer": pdf_bytes()}])
    page.get_by_label("我已阅读以上信用承诺书，我承诺").check()
    page.get_by_role("button", name="提交修复申请").click()
    page.wait_for_url(re.compile(r"/applications/app_"))
    app_id = page.url.split("/applications/")[1].split("?")[0]
    filed = httpx.get(web_stack.api + f"/api/v1/applications/{app_id}",
                      headers=web_stack.token("--role", "applicant", "--subject", uscc)).json()
    assert len(filed["cases"]) == 2
    fined_case = next(c["id"] for c in filed["cases"] if c["record_id"] == fined["id"])

    text = page.inner_text("main")
    assert "受理期限" in text and "预计结果" in text and "前作出是否同意修复的决定" in text
    check_page(page, "application-expected")

    worker = new_page()
    sign_in(worker, web_stack.token("--role", "caseworker", "--authority", NATURAL), f"/cases/{fined_case}")
    assert "缴款凭证.pdf" in worker.inner_text("main")  # the proof kept at the first attempt reached the case


def test_a_numbered_request_reaches_the_applicant_as_lines(web_stack, new_page):
    uscc = factories.uscc(7502)
    record = register(web_stack, "320100-court", uscc)
    created = apply(web_stack, uscc, [record["id"]]).json()
    case_id = created["cases"][0]["id"]
    asked = decide(web_stack, case_id, "320100-court", "request_supplement",
                   "请补充以下材料：\n1. 法院出具的履行完毕证明\n2. 缴款凭证")
    assert asked.status_code == 200, asked.text
    page = new_page()
    sign_in(page, web_stack.token("--role", "applicant", "--subject", uscc), f"/applications/{created['id']}")
    said = page.locator(".said").first
    assert said.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-line"
    assert "1. 法院出具的履行完毕证明\n2. 缴款凭证" in said.inner_text()
    text = page.inner_text("main")
    assert "暂停计算，提交补正材料后恢复" in text and "预计结果" not in text  # the clock stands


def test_error_pages_say_it_in_chinese_first_with_a_way_back_for_the_role(web_stack, new_page):
    page = new_page()
    sign_in(page, web_stack.token("--role", "applicant", "--subject", factories.uscc(7503)))
    response = page.goto("/workbench")
    assert response is not None and response.status == 403
    main = page.inner_text("main")
    assert main.index("无权访问") < main.index("错误代码")
    assert page.title().startswith("错误：")
    assert page.get_by_role("link", name="返回我的信用信息").get_attribute("href") == "/my"
    check_page(page, "error-forbidden")

    anonymous = new_page()
    response = anonymous.goto("/no-such-page")
    assert response is not None and response.status == 404
    assert "页面不存在" in anonymous.inner_text("main")
    assert anonymous.get_by_role("link", name="登录后继续办理").count() == 1
    # a link from another site is never offered as "back" (an open redirect in a link)
    status = httpx.get(web_stack.api + "/no-such-page", headers={"Referer": "https://evil.example/x",
                                                                  "Accept": "text/html"})
    assert status.status_code == 404 and "evil.example" not in status.text and "返回上一页" not in status.text
    came = httpx.get(web_stack.api + "/no-such-page", headers={"Referer": web_stack.api + "/?from=1"})
    assert 'href="/?from=1"' in came.text and "返回上一页" in came.text
