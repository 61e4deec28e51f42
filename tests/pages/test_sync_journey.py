"""The reconciliation board (/sync) in a real browser: Credit China drops a repair while acknowledging it; the
admin starts a reconciliation from the board, the board shows the site's differences, the differences page
names the record as sent again and acknowledged, and the site no longer shows it; the applicant's progress
page names that site and what was done. A city's supervisor is
not offered the board."""

from __future__ import annotations

import re

import httpx
import pytest

from tests import factories
from tests.pages.browse import check_page, sign_in
from tests.system.steps import apply, decide, eventually, progress, register

pytestmark = pytest.mark.system
ISSUER, SITE = "320600-transport", "creditchina_js"


def test_the_admin_finds_a_dropped_repair_on_the_board_and_sees_it_mended(web_stack, new_page):
    uscc = factories.uscc(7601)
    record = register(web_stack, ISSUER, uscc)
    httpx.post(web_stack.simulator + f"/sites/{SITE}/records", json={"record_id": record["id"], "subject_key": uscc})
    httpx.post(web_stack.simulator + f"/control/{SITE}", json={"drop_next": 1})
    filed = apply(web_stack, uscc, [record["id"]])
    app_id, case_id = filed.json()["id"], filed.json()["cases"][0]["id"]
    eventually(lambda: decide(web_stack, case_id, ISSUER, "accept").status_code == 200, timeout=30, every=0.5)
    assert decide(web_stack, case_id, ISSUER, "approve", "已履行义务，同意修复").status_code == 200
    eventually(lambda: len(progress(web_stack, app_id, uscc)["cases"][0]["deliveries"]) == 16, timeout=60)
    shown = httpx.get(web_stack.simulator + f"/sites/{SITE}/records/{record['id']}").json()
    assert shown["published"] is True  # acknowledged, never written

    admin = new_page()
    sign_in(admin, web_stack.token("--role", "admin"), "/sync")
    assert admin.url.endswith("/sync")
    admin.get_by_role("button", name="立即对账").click()
    admin.wait_for_url(re.compile(r"/sync\?started=1"))
    assert "已发起今天的对账" in admin.inner_text("main")

    def finished() -> bool:
        admin.reload()
        row = admin.get_by_role("row", name=re.compile(r"^信用中国\(江苏\)"))
        return row.count() == 1 and "已完成" in row.inner_text()

    eventually(finished, timeout=120, every=1)
    check_page(admin, "sync-board")
    row = admin.get_by_role("row", name=re.compile(r"^信用中国\(江苏\)"))
    row.get_by_role("link", name=re.compile("网站仍在展示已修复或已停止公示的信息")).click()
    admin.wait_for_load_state()
    line = admin.get_by_role("row", name=re.compile(record["id"]))
    assert "已补发，网站已确认" in line.inner_text()
    check_page(admin, "sync-differences")
    assert httpx.get(web_stack.simulator + f"/sites/{SITE}/records/{record['id']}").json()["published"] is False
    applied = httpx.get(web_stack.simulator + f"/sites/{SITE}/deliveries").json()["applied"]
    assert applied[f"{case_id}:{SITE}:repair"] == 1

    # the applicant sees it too: the site that still showed the record, named, and what was done about it
    applicant = new_page()
    sign_in(applicant, web_stack.token("--role", "applicant", "--subject", uscc), f"/applications/{app_id}")
    text = applicant.inner_text("main")
    assert "各网站核查" in text and "信用中国(江苏)：该网站核查时仍在展示，已重新推送修复结果并经网站确认" in text
    assert "15 个网站核查时已不再展示该信息" in text
    check_page(applicant, "application-site-checks")

    city = new_page()
    sign_in(city, web_stack.token("--role", "supervisor", "--region", "320600"))
    assert city.get_by_role("navigation", name="主导航").get_by_role("link", name="对账").count() == 0
    assert admin.get_by_role("navigation", name="主导航").get_by_role("link", name="对账").count() == 1
