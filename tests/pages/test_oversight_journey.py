"""A supervisor and an auditor through the pages: from the figures to every case behind them, and on to
its audit trail.

Nantong's supervisor (on a phone) opens /supervision, follows the count of repaired cases of the market
regulator to the list of those cases (and only those), opens the case and its audit trail: the start has
its filer (the applicant, by the subject's name), the decisions their caseworker by authority, the sites one
row each with the attempts folded, no Temporal Web UI link (not configured to be reachable in the tests).
Another city's supervisor following the same link finds nothing. The auditor (on a desktop) reaches the
list and the trails from the navigation. Every table is readable at 390 px: stacked rows, or a scrolling
region named and reachable with the keyboard.
"""

from __future__ import annotations

import re

import httpx
import pytest

from config.loader import load_targets
from config.settings import CONFIG_DIR
from tests import factories
from tests.pages.browse import check_page, sign_in
from tests.pages.conftest import DESKTOP, PHONE
from tests.system.steps import apply, decide, eventually, progress, register

pytestmark = pytest.mark.system
ISSUER, NAME = "320600-market_regulation", "南通市市场监督管理局"
TAX = "320600-tax"
SUBJECT = "江苏某某工程有限公司"
CASEWORKER = "周立新"  # tests/system/steps.register's subject name


def _cases(stack, n: int) -> tuple[str, str]:
    """Two cases of the city's authorities: the market regulator's repaired, the tax office's waiting."""
    uscc = factories.uscc(n)
    done, waiting = register(stack, ISSUER, uscc), register(stack, TAX, factories.uscc(n + 1))
    filed = apply(stack, uscc, [done["id"]])
    assert filed.status_code == 201, filed.text
    app_id, case_id = filed.json()["id"], filed.json()["cases"][0]["id"]
    other = apply(stack, factories.uscc(n + 1), [waiting["id"]])
    assert other.status_code == 201, other.text
    named = stack.token("--role", "caseworker", "--authority", ISSUER, "--name", CASEWORKER)
    eventually(lambda: httpx.post(stack.api + f"/api/v1/cases/{case_id}/decisions", headers=named, timeout=30,
                                  json={"action": "accept", "reason": "材料齐全，予以受理"}).status_code == 200,
               timeout=30, every=0.5)
    assert decide(stack, case_id, ISSUER, "approve", "已履行行政处罚义务，同意修复").status_code == 200
    eventually(lambda: progress(stack, app_id, uscc)["cases"][0]["state"] == "repaired", timeout=60, every=0.5)
    return case_id, other.json()["cases"][0]["id"]


def _tables_readable_on_a_phone(page) -> None:
    """Nothing wider than the phone but a scrolling region, and each one named and focusable."""
    for wrap in page.locator(".table-wrap").all():
        assert wrap.get_attribute("tabindex") == "0" and wrap.get_attribute("role") == "region"
        assert wrap.get_attribute("aria-label")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 392
             && !e.closest('.table-wrap')).map(e => e.tagName + '.' + e.className)""")


def _trail_reads_well(page, case_id: str) -> None:
    main = page.inner_text("main")
    assert "材料齐全，予以受理" in main and "已履行行政处罚义务，同意修复" in main
    events = page.get_by_role("table", name="流程执行历史中的办理事件")
    start = events.get_by_role("row").filter(has_text="流程启动")
    assert f"申请人：{SUBJECT}" in start.inner_text()
    decision = events.get_by_role("row").filter(has_text="材料齐全，予以受理")
    assert f"{NAME}经办人：{CASEWORKER}" in decision.inner_text()  # the name their sign-in gave
    approval = events.get_by_role("row").filter(has_text="已履行行政处罚义务，同意修复")
    assert f"{NAME}经办人" in approval.inner_text()  # a token without a name: the authority
    sites = page.get_by_role("table", name="各信用网站的同步结果，每个网站一行")
    rows = sites.get_by_role("row").all_inner_texts()[1:]
    names = [t.name for t in load_targets(CONFIG_DIR, "")]
    assert len(rows) == len(names) and all(name in row for name, row in zip(names, rows, strict=True))
    assert all("已确认撤下" in row for row in rows)
    first = sites.locator("details").first
    assert not first.evaluate("d => d.open")  # the attempts folded
    first.locator("summary").click()
    assert "撤下" in first.inner_text()
    assert page.get_by_role("link", name=re.compile("Temporal")).count() == 0  # not configured reachable


def test_supervisor_from_the_figures_to_the_audit_trail(web_stack, new_page):
    case_id, waiting_id = _cases(web_stack, 7701)

    supervisor = new_page(PHONE)
    sign_in(supervisor, web_stack.token("--role", "supervisor", "--region", "320600"))
    assert supervisor.url.endswith("/supervision")
    nav = supervisor.get_by_role("navigation", name="主导航")
    assert all(nav.get_by_role("link", name=name).is_visible() for name in ("督办", "事项列表", "办理历史"))
    _tables_readable_on_a_phone(supervisor)
    check_page(supervisor, "journey-supervision")
    figures = supervisor.get_by_role("region", name=re.compile("各办理机关按状态统计的事项数"))
    figures.focus()  # reached with the keyboard and scrolled with it
    assert figures.evaluate("e => document.activeElement === e && e.scrollWidth > e.clientWidth")
    supervisor.keyboard.press("ArrowRight")
    # the browser may scroll smoothly: wait for the scroll to start rather than read it at once
    supervisor.wait_for_function("e => e.scrollLeft > 0", arg=figures.element_handle(), timeout=5_000)
    row = supervisor.get_by_role("table", name="各办理机关按状态统计的事项数").get_by_role("row", name=re.compile(NAME))
    row.get_by_role("link", name=re.compile("件已修复")).click()
    supervisor.wait_for_url(re.compile(r"/workbench\?handler=320600-market_regulation&state=repaired"))
    main = supervisor.inner_text("main")
    assert "事项列表" in main and NAME in main and "共 1 件（已修复）" in main
    links = supervisor.locator("table a[href^='/cases/']").all()
    assert [link.get_attribute("href") for link in links] == [f"/cases/{case_id}"]
    assert supervisor.locator(f"table a[href='/audit/cases/{case_id}']").count() == 1
    _tables_readable_on_a_phone(supervisor)
    check_page(supervisor, "journey-supervisor-cases")
    supervisor.get_by_role("link", name="查看全部办理机关的事项").click()
    supervisor.wait_for_url(re.compile(r"/workbench$"))
    assert supervisor.locator(f"a[href='/cases/{waiting_id}']").count() == 1  # the whole region
    supervisor.goto("/supervision")  # the region's total of a state leads to those cases of every authority
    figures = supervisor.get_by_role("table", name="各办理机关按状态统计的事项数")
    totals = figures.get_by_role("row", name=re.compile("合计"))
    totals.get_by_role("link", name=re.compile("件待受理")).click()
    supervisor.wait_for_url(re.compile(r"/workbench\?state=pending_acceptance&region=320600"))
    assert supervisor.locator(f"table a[href='/cases/{waiting_id}']").count() == 1
    assert supervisor.locator(f"table a[href='/cases/{case_id}']").count() == 0
    assert "南通市" in supervisor.inner_text("h1")

    supervisor.goto(f"/workbench?handler={ISSUER}&state=repaired")
    supervisor.locator(f"a[href='/cases/{case_id}']").click()
    supervisor.wait_for_url(re.compile(f"/cases/{case_id}$"))
    supervisor.get_by_role("link", name="查看流程办理历史").click()
    supervisor.wait_for_url(re.compile(f"/audit/cases/{case_id}"))
    _trail_reads_well(supervisor, case_id)
    _tables_readable_on_a_phone(supervisor)
    check_page(supervisor, "journey-supervisor-trail")

    elsewhere = new_page(PHONE)
    sign_in(elsewhere, web_stack.token("--role", "supervisor", "--region", "320500"))
    elsewhere.goto(f"/workbench?handler={ISSUER}&state=repaired")
    assert "共 0 件" in elsewhere.inner_text("main") and "暂无事项" in elsewhere.inner_text("main")
    assert elsewhere.locator("table a").count() == 0


def test_auditor_from_the_navigation_to_the_trails(web_stack, new_page):
    case_id, _ = _cases(web_stack, 7711)
    auditor = new_page(DESKTOP)
    sign_in(auditor, web_stack.token("--role", "auditor"))
    assert auditor.url.endswith("/supervision")
    auditor.get_by_label("行政区划").select_option(label="南通市")
    auditor.get_by_role("button", name="查看").click()
    auditor.wait_for_url(re.compile(r"region=320600"))
    row = auditor.get_by_role("table", name="各办理机关按状态统计的事项数").get_by_role("row", name=re.compile(NAME))
    row.get_by_role("link", name=re.compile("全部事项")).click()
    auditor.wait_for_url(re.compile(r"/workbench\?handler=320600-market_regulation$"))
    assert auditor.locator(f"a[href='/cases/{case_id}']").count() == 1
    assert auditor.locator(f"a[href='/audit/cases/{case_id}']").count() == 1
    check_page(auditor, "journey-auditor-cases")

    auditor.get_by_role("navigation", name="主导航").get_by_role("link", name="办理历史").click()
    auditor.wait_for_url(re.compile(r"/audit$"))
    auditor.locator(f"a[href='/audit/cases/{case_id}']").first.click()
    auditor.wait_for_url(re.compile(f"/audit/cases/{case_id}"))
    _trail_reads_well(auditor, case_id)
    check_page(auditor, "journey-auditor-trail")
    auditor.set_viewport_size(PHONE)
    _tables_readable_on_a_phone(auditor)
