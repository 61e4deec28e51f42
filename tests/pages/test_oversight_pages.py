"""Rating and oversight through the pages: a case driven to repaired over HTTP, the applicant rates the
authority (a bad rating without a comment refused next to the field, then accepted with one), the city's
supervisor sees the counts and the comment on /supervision and another city's does not, an auditor reads
the decisions with their reasons from Temporal on /audit/cases/{id} (no link to the Temporal UI, which
the tests do not configure as reachable), and narrows the province's overview to one city."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.pages.browse import check_page, sign_in
from tests.system.steps import apply, decide, eventually, progress, register

pytestmark = pytest.mark.system
ISSUER, NAME = "320400-market_regulation", "常州市市场监督管理局"
COMMENT = "补正材料的要求说了三次才说清楚"


def test_applicant_rates_and_oversight_sees_it(web_stack, new_page):
    uscc = factories.uscc(7301)
    record = register(web_stack, ISSUER, uscc)
    filed = apply(web_stack, uscc, [record["id"]])
    assert filed.status_code == 201, filed.text
    app_id, case_id = filed.json()["id"], filed.json()["cases"][0]["id"]
    eventually(lambda: decide(web_stack, case_id, ISSUER, "accept", "材料齐全，予以受理").status_code == 200,
               timeout=30, every=0.5)
    assert decide(web_stack, case_id, ISSUER, "approve", "已履行行政处罚义务，同意修复").status_code == 200
    eventually(lambda: progress(web_stack, app_id, uscc)["cases"][0]["state"] == "repaired", timeout=60, every=0.5)

    applicant = new_page()
    sign_in(applicant, web_stack.token("--role", "applicant", "--subject", uscc), f"/applications/{app_id}")
    assert applicant.url.endswith(f"/applications/{app_id}")
    form = applicant.get_by_role("group", name=re.compile(NAME))
    assert form.is_visible()
    check_page(applicant, "application-rating")
    form.get_by_label("不满意", exact=True).check()
    applicant.get_by_role("button", name="提交评价").click()
    applicant.wait_for_load_state()
    error = applicant.locator("#comment-1-error")
    assert "请填写评价意见" in error.inner_text()
    assert applicant.get_by_label("评价意见").get_attribute("aria-invalid") == "true"
    assert applicant.get_by_label("不满意", exact=True).is_checked()  # what was chosen is kept
    check_page(applicant, "application-rating-refused")
    applicant.get_by_label("评价意见").fill(COMMENT)
    applicant.get_by_role("button", name="提交评价").click()
    applicant.wait_for_url(re.compile(r"\?rated=1"))
    text = applicant.inner_text("main")
    assert "感谢您的评价" in text and COMMENT in text and "回访整改" in text
    assert applicant.get_by_role("button", name="提交评价").count() == 0
    check_page(applicant, "application-rated")

    supervisor = new_page()
    sign_in(supervisor, web_stack.token("--role", "supervisor", "--region", "320400"))
    assert supervisor.url.endswith("/supervision")
    ratings = supervisor.get_by_role("table", name="各办理机关收到的评价数")
    row = ratings.get_by_role("row", name=re.compile(NAME))
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells[3] == "1" and cells[-1] == "1"  # one 不满意, one bad review
    assert COMMENT in supervisor.inner_text("main")
    states = supervisor.get_by_role("table", name="各办理机关按状态统计的事项数")
    assert states.get_by_role("row", name=re.compile(NAME)).is_visible()
    check_page(supervisor, "supervision")

    elsewhere = new_page()
    sign_in(elsewhere, web_stack.token("--role", "supervisor", "--region", "320500"))
    assert elsewhere.url.endswith("/supervision")
    assert NAME not in elsewhere.inner_text("main") and COMMENT not in elsewhere.inner_text("main")
    response = elsewhere.goto(f"/audit/cases/{case_id}")
    assert response is not None and response.status == 404

    auditor = new_page()
    sign_in(auditor, web_stack.token("--role", "auditor"))
    auditor.goto(f"/cases/{case_id}")
    auditor.get_by_role("link", name="查看流程办理历史").click()
    auditor.wait_for_url(re.compile(f"/audit/cases/{case_id}"))
    text = auditor.inner_text("main")
    assert "材料齐全，予以受理" in text and "已履行行政处罚义务，同意修复" in text
    assert "受理" in text and "同意修复" in text and "经办人" in text
    # the Temporal Web UI is linked only where configured reachable (XIUFU_TEMPORAL_UI_SHOWN; off in the tests)
    assert auditor.get_by_role("link", name=re.compile("在 Temporal 界面中打开")).count() == 0
    check_page(auditor, "audit-case")

    # the province's view can be narrowed to a city, without JavaScript: a plain GET form
    auditor.goto("/supervision")
    assert "全省" in auditor.inner_text("h1")
    auditor.get_by_label("行政区划").select_option(label="常州市")
    auditor.get_by_role("button", name="查看").click()
    auditor.wait_for_url(re.compile(r"region=320400"))
    assert "常州市" in auditor.inner_text("h1") and NAME in auditor.inner_text("main")
    check_page(auditor, "supervision-city")
    auditor.get_by_label("行政区划").select_option(label="苏州市")
    auditor.get_by_role("button", name="查看").click()
    auditor.wait_for_url(re.compile(r"region=320500"))
    assert NAME not in auditor.inner_text("main")
