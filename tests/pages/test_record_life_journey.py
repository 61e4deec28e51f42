"""A record's life after registration as its subject meets it on /my, in chromium at 390 px and 1280 px:
a penalty whose fine the hub does not know to be paid is checked with the payment platform from the page
and becomes selectable; a penalty revoked by a court and withdrawn by its issuer reads as withdrawn, with
the document and how far the sites have got, and no form offers it; a corrected record shows its new
content and that it was corrected."""

from __future__ import annotations

import httpx
import pytest

from api import clock
from tests import factories
from tests.pages.browse import check_page, sign_in
from tests.pages.test_applicant_journey import _register
from tests.system.steps import eventually

pytestmark = pytest.mark.system
TRANSPORT = "320100-transport"


def test_a_record_checked_withdrawn_and_corrected_as_its_subject_sees_them(web_stack, new_page):
    uscc = factories.uscc(7801)
    unpaid = _register(web_stack, TRANSPORT, uscc, 4, obligations_fulfilled=False, fine_amount="8000")
    revoked = _register(web_stack, TRANSPORT, uscc, 4, summary="超限运输")
    corrected = _register(web_stack, TRANSPORT, uscc, 4, summary="未按规定办理道路运输证")
    integrator = web_stack.token("--role", "integrator", "--authority", TRANSPORT)
    started = httpx.post(web_stack.api + f"/api/v1/records/{revoked['id']}/withdrawal", headers=integrator, json={
        "cause": "litigation", "basis": "（2026）苏01行终12号", "reason": "法院判决撤销原处罚决定"}, timeout=30)
    assert started.status_code == 202, started.text
    fixed = httpx.post(web_stack.api + f"/api/v1/records/{corrected['id']}/corrections", headers=integrator, json={
        "changes": {"fine_amount": "3000"}, "reason": "决定书金额录入有误"}, timeout=30)
    assert fixed.status_code == 202, fixed.text
    eventually(lambda: httpx.get(web_stack.api + f"/api/v1/records/{revoked['id']}/withdrawal",
                                 headers=integrator).json()["withdrawal"], timeout=30)
    eventually(lambda: httpx.get(web_stack.api + f"/api/v1/records/{corrected['id']}/versions",
                                 headers=integrator).json(), timeout=30)

    page = new_page()
    sign_in(page, web_stack.token("--role", "applicant", "--subject", uscc))
    page.goto("/my")
    main = page.locator("main")
    card = main.locator("li.card").filter(has_text=revoked["record_no"])
    assert "已撤销" in card.inner_text() and "人民法院判决撤销或确认无效（（2026）苏01行终12号）" in card.inner_text()
    assert page.locator(f"#rec-{revoked['id']}").count() == 0  # nothing to apply for
    fixed_card = main.locator("li.card").filter(has_text=corrected["record_no"])
    assert "3,000.00" in fixed_card.inner_text() and "更正1次" in fixed_card.inner_text()
    check_page(page, "journey-record-life")

    httpx.post(web_stack.simulator + "/payments/notices", json={
        "decision_no": unpaid["record_no"], "amount": "8000.00", "paid": True,
        "paid_on": str(clock.today()), "payer_name": "南京示例环保有限公司"}).raise_for_status()
    assert page.locator(f"#rec-{unpaid['id']}").count() == 0  # an unpaid fine: not selectable yet
    page.get_by_role("button", name="查询缴款记录").click()
    page.wait_for_url("**/my?payment=paid*")
    assert page.locator(f"#rec-{unpaid['id']}").count() == 1
    assert "无需上传缴款凭证" in page.locator("main").inner_text()
    check_page(page, "journey-record-paid")
