"""Sign-in through the provincial identity service (OpenID Connect), here its simulator: the claims become
the same principal an API token carries, and a role xiufu does not know is refused."""

from __future__ import annotations

import httpx
import pytest

from tests import factories
from tests.pages.browse import check_page
from tests.system.steps import register

pytestmark = pytest.mark.system


def account(stack, login: str, name: str, **claims: str) -> None:
    httpx.post(stack.simulator + "/identity/accounts", json={"login": login, "name": name, "claims": claims})


def test_an_applicant_signs_in_through_the_identity_service(web_stack, new_page):
    uscc = factories.uscc(7501)
    record = register(web_stack, "320100-transport", uscc)
    account(web_stack, "ent-7501", "南京某某运输有限公司（法人）", xiufu_role="applicant", uscc=uscc)
    page = new_page()
    page.goto("/my")  # a page that needs a user sends to the login page, which offers the identity service
    page.get_by_role("link", name="通过江苏政务服务统一身份认证登录").click()
    assert "/identity/authorize" in page.url
    page.get_by_role("button", name="南京某某运输有限公司（法人）").click()
    page.wait_for_url("**/my")
    assert record["record_no"] in page.inner_text("main")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["xiufu_session"]["httpOnly"] and cookies["xiufu_session"]["sameSite"] == "Lax"
    check_page(page, "my-after-oidc")


def test_an_identity_without_a_known_role_is_refused(web_stack, new_page):
    account(web_stack, "someone", "无角色的用户", xiufu_role="visitor")
    page = new_page()
    page.goto("/login")
    page.get_by_role("link", name="通过江苏政务服务统一身份认证登录").click()
    page.get_by_role("button", name="无角色的用户").click()
    page.wait_for_load_state()
    assert "未提供本系统可识别的角色" in page.inner_text("main")
    assert "xiufu_session" not in {c["name"] for c in page.context.cookies()}
