"""The progress page stays live with its actions: a supplement asked while the applicant looks brings the
upload form, and the end of every case brings the rating and takes 撤回申请 away, with no reload by the
person (the page's script loads the page again when a state changed)."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.materials import png_bytes
from tests.pages.browse import check_page, sign_in
from tests.pages.conftest import PHONE
from tests.system.steps import apply, decide, register

pytestmark = pytest.mark.system
COURT = "320100-court"
LIVE = 20_000  # ms: the script asks every 5 s


def test_the_page_brings_the_actions_of_a_state_changed_elsewhere(web_stack, new_page):
    uscc = factories.uscc(7501)
    record = register(web_stack, COURT, uscc)
    created = apply(web_stack, uscc, [record["id"]]).json()
    case_id = created["cases"][0]["id"]
    applicant = new_page(PHONE)
    sign_in(applicant, web_stack.token("--role", "applicant", "--subject", uscc), f"/applications/{created['id']}")
    first = applicant.inner_text("main")  # the page right after filing: the filing and its deadline at once
    assert "受理期限" in first and "申请已提交" in first
    upload = applicant.locator(f"#supplement-{case_id}")
    assert upload.count() == 0
    assert applicant.get_by_role("button", name="撤回申请").is_visible()

    asked = decide(web_stack, case_id, COURT, "request_supplement", "请补充法院出具的履行完毕证明")
    assert asked.status_code == 200, asked.text
    upload.wait_for(state="attached", timeout=LIVE)
    assert "请补充法院出具的履行完毕证明" in applicant.inner_text("main")
    assert "暂停计算，提交补正材料后恢复" in applicant.inner_text("main")
    check_page(applicant, "live-supplement-asked")
    applicant.set_input_files(f"#supplement-{case_id}", files=[{"name": "证明.png", "mimeType": "image/png",
                                                                "buffer": png_bytes()}])
    applicant.get_by_role("button", name="提交补正材料").click()
    applicant.wait_for_url(re.compile(r"supplemented=1"))

    for action in ("accept", "approve"):
        done = decide(web_stack, case_id, COURT, action, "已履行判决义务")
        assert done.status_code == 200, done.text
    applicant.get_by_role("heading", name="服务评价（好差评）").wait_for(timeout=LIVE)
    assert applicant.get_by_role("button", name="撤回申请").count() == 0
    assert "supplemented=1" not in applicant.url  # the one-time notice is not shown again
    assert "补正材料已提交" not in applicant.inner_text("main")
    check_page(applicant, "live-decided")
