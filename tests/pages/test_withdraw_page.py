"""Withdrawing through the page: it asks to confirm and for a reason, the reason reaches the timeline as
given, and a withdrawn application asks to rate only the authorities that did something."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.pages.browse import check_page, sign_in
from tests.pages.conftest import PHONE
from tests.system.steps import apply, decide, register

pytestmark = pytest.mark.system
MARKET, TAX = "320100-market_regulation", "320100-tax"


def test_withdrawing_asks_to_confirm_keeps_the_reason_and_rates_only_who_acted(web_stack, new_page):
    uscc = factories.uscc(7502)
    market, tax = register(web_stack, MARKET, uscc), register(web_stack, TAX, uscc)
    created = apply(web_stack, uscc, [market["id"], tax["id"]]).json()
    by_handler = {c["handler"]: c["id"] for c in created["cases"]}
    assert decide(web_stack, by_handler[MARKET], MARKET, "accept").status_code == 200

    applicant = new_page(PHONE)
    sign_in(applicant, web_stack.token("--role", "applicant", "--subject", uscc), f"/applications/{created['id']}")
    applicant.get_by_label("撤回原因（选填）").fill("已与处罚机关沟通，暂不申请")
    applicant.get_by_role("button", name="撤回申请").click()
    applicant.wait_for_load_state()
    assert "请勾选确认后再撤回申请" in applicant.inner_text("main")
    assert applicant.get_by_label("撤回原因（选填）").input_value() == "已与处罚机关沟通，暂不申请"
    assert "已撤回" not in applicant.inner_text("main")
    check_page(applicant, "withdraw-unconfirmed")

    applicant.get_by_label("我确认撤回本申请中尚未作出决定的全部事项").check()
    applicant.get_by_role("button", name="撤回申请").click()
    applicant.wait_for_url(re.compile(r"withdrawn=1"))
    text = applicant.inner_text("main")
    assert text.count("申请人撤回申请：已与处罚机关沟通，暂不申请") == 2
    assert "申请人撤回" + "申请：申请人撤回" not in text
    rate_forms = applicant.locator("form[action$='/evaluations']")
    assert rate_forms.count() == 1  # the market authority accepted; the tax authority did nothing
    assert "南京市市场监督管理局" in rate_forms.inner_text()
    check_page(applicant, "withdrawn")

    worker = new_page()  # the form says the handling authority sees the reason
    sign_in(worker, web_stack.token("--role", "caseworker", "--authority", MARKET), f"/cases/{by_handler[MARKET]}")
    assert "已与处罚机关沟通，暂不申请" in worker.inner_text("main")
