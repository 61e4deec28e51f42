"""Two caseworkers of different authorities through the pages, one application covering a record of each.

The market regulator's caseworker (on a phone) asks for a supplement; the notice "办理决定已提交" is shown
once and not again on reload. The tax office's caseworker (on a desktop) sees only their own case. The
applicant answers the supplement on their page while the first caseworker's case page is open: the page
follows without a reload by the person, and the workbench marks the case 已补正，待审核, first. The
caseworker accepts and approves; the case page then shows the sites one per site, in the province's order,
swapped in live (the page is not loaded again: a mark left on the window survives), and links the 信用修复决定书.
"""

from __future__ import annotations

import re

import httpx
import pytest

from api import clock
from config.loader import load_targets
from config.settings import CONFIG_DIR
from domain.periods import add_months
from tests import factories
from tests.materials import png_bytes
from tests.pages.browse import check_page, sign_in
from tests.pages.conftest import DESKTOP, PHONE
from tests.system.steps import apply, eventually

pytestmark = pytest.mark.system
MARKET, TAX = "320100-market_regulation", "320100-tax"
LIVE = 20_000  # ms: the script asks every 5 s
ASKED = "请补充罚款缴纳凭证的清晰扫描件"


def _register(stack, issuer: str, uscc: str, record_no: str, fine: str) -> dict:
    body = factories.record_body(issuer=issuer, record_no=record_no, fine_amount=fine,
                                 subject={"uscc": uscc, "name": "南京某某贸易有限公司", "contact_phone": "13912345678"},
                                 decided_on=str(add_months(clock.today(), -4)))
    r = httpx.post(stack.api + "/api/v1/records", json=body,
                   headers=stack.token("--role", "integrator", "--authority", issuer))
    assert r.status_code == 201, r.text
    return r.json()


def _decide_on_page(page, label: str, reason: str) -> None:
    form = page.locator("form", has=page.get_by_role("heading", name=label, exact=True))
    form.get_by_role("textbox").fill(reason)
    form.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


def test_two_caseworkers_a_supplement_answered_and_the_decision(web_stack, new_page):
    uscc = factories.uscc(7601)
    market = _register(web_stack, MARKET, uscc, "宁市监罚〔2026〕7601号", "20000")
    tax = _register(web_stack, TAX, uscc, "宁税罚〔2026〕7601号", "5000")
    filed = apply(web_stack, uscc, [market["id"], tax["id"]])
    assert filed.status_code == 201, filed.text
    app_id = filed.json()["id"]
    cases = {c["handler"]: c["id"] for c in filed.json()["cases"]}
    mine, theirs = cases[MARKET], cases[TAX]

    # the market regulator's caseworker, on a phone: the workbench, then the case
    first = new_page(PHONE)
    sign_in(first, web_stack.token("--role", "caseworker", "--authority", MARKET), "/workbench")
    eventually(lambda: first.reload() and first.get_by_role("link", name="宁市监罚〔2026〕7601号").count() == 1,
               timeout=30, every=1)
    assert "宁税罚〔2026〕7601号" not in first.inner_text("main")
    check_page(first, "journey-workbench")
    first.get_by_role("link", name="宁市监罚〔2026〕7601号").click()
    first.wait_for_url(re.compile(f"/cases/{mine}$"))
    text = first.inner_text("main")
    assert "罚款 20,000.00 元" in text and "处罚种类" not in text and "20000" not in text
    _decide_on_page(first, "要求补正材料", ASKED)
    assert first.url.endswith(f"/cases/{mine}")  # post/redirect/get, the notice not in the address
    assert "办理决定已提交" in first.inner_text("main") and "待补正材料" in first.inner_text("main")
    check_page(first, "journey-case-supplement-asked")
    first.reload()
    assert "办理决定已提交" not in first.inner_text("main")  # shown once

    # the tax office's caseworker, on a desktop, sees their own case only, and may not open the other
    second = new_page(DESKTOP)
    sign_in(second, web_stack.token("--role", "caseworker", "--authority", TAX), "/workbench")
    assert "宁税罚〔2026〕7601号" in second.inner_text("main")
    assert "宁市监罚〔2026〕7601号" not in second.inner_text("main")
    other = second.goto(f"/cases/{mine}")
    assert other is not None and other.status == 404
    second.goto(f"/cases/{theirs}")
    assert "罚款 5,000.00 元" in second.inner_text("main")
    _decide_on_page(second, "受理", "材料齐全")
    assert "审核中" in second.inner_text("main") or "待审核" in second.inner_text("main")

    # the applicant answers while the first caseworker looks at the case: the page follows by itself
    first.evaluate("window.__seen = 1")
    applicant = new_page(PHONE)
    sign_in(applicant, web_stack.token("--role", "applicant", "--subject", uscc), f"/applications/{app_id}")
    assert ASKED in applicant.inner_text("main")
    applicant.set_input_files(f"#supplement-{mine}", files=[{"name": "缴款凭证.png", "mimeType": "image/png",
                                                               "buffer": png_bytes()}])
    applicant.get_by_role("button", name="提交补正材料").click()
    applicant.wait_for_url(re.compile(r"supplemented=1"))
    first.get_by_text("已补正，待审核").first.wait_for(timeout=LIVE)
    assert "缴款凭证.png" in first.inner_text("main")
    assert first.get_by_role("button", name="受理", exact=True).is_visible()  # the forms of the new state
    check_page(first, "journey-case-returned")

    # the workbench marks it, first
    first.goto("/workbench")
    rows = first.get_by_role("row").all_inner_texts()
    assert "已补正，待审核" in rows[1] and "宁市监罚〔2026〕7601号" in rows[1]
    assert "1 件已补正，待审核" in first.inner_text("main")
    check_page(first, "journey-workbench-returned")

    first.get_by_role("link", name="宁市监罚〔2026〕7601号").click()
    first.wait_for_url(re.compile(f"/cases/{mine}$"))
    _decide_on_page(first, "受理", "补正材料齐全，予以受理")
    assert "已补正，待审核" not in first.inner_text("main")
    _decide_on_page(first, "同意修复", "已履行行政处罚义务")
    first.evaluate("window.__seen = 1")
    # the sites' acknowledgements arrive while the page is open: swapped in, not reloaded
    first.get_by_role("heading", name="同步下线").wait_for(timeout=LIVE * 3)
    assert first.evaluate("window.__seen") == 1
    eventually(lambda: "已修复" in first.inner_text("#case-live") or first.evaluate("window.__seen") != 1,
               timeout=60, every=1)
    assert first.evaluate("window.__seen") == 1
    sites = first.locator("ul.sites li").all_inner_texts()
    names = [s.split("：")[0] for s in sites]
    assert len(names) == len(set(names)) == 16
    assert names == [t.name for t in load_targets(CONFIG_DIR, "")]  # the province's order, the cities by code
    link = first.get_by_role("link", name=re.compile("下载《信用修复决定书》"))
    href = link.get_attribute("href")
    assert href == f"/cases/{mine}/decision.pdf"
    pdf = eventually(lambda: (r := first.request.get(href)).status == 200 and r, timeout=60, every=1)
    assert pdf.headers["content-type"] == "application/pdf"
    check_page(first, "journey-case-approved")
