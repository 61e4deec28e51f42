"""Signing in and out of the pages: the token kept in an HttpOnly cookie, CSRF on every form (the login
form too), no open redirect after login, demo identities only in development."""

from __future__ import annotations

import re

import jwt

from api.web.demo import demo_identities, find_demo
from config.settings import get_settings
from domain.model import Role
from tests.api.conftest import token


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert found, "no CSRF field in the form"
    return found.group(1)


def fresh(client):
    client.cookies.clear()
    return client


def test_a_page_that_needs_a_user_sends_to_login_and_back(client):
    r = fresh(client).get("/my", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/my"


def test_login_form_without_its_csrf_token_is_refused(client):
    r = fresh(client).post("/login", data={"token": "x"})
    assert r.status_code == 403
    assert "表单已过期" in r.text and 'lang="zh-CN"' in r.text


def test_a_bad_token_is_refused_next_to_the_field_and_kept(client):
    form = fresh(client).get("/login")
    assert "xiufu_anon" in form.headers["set-cookie"] and "HttpOnly" in form.headers["set-cookie"]
    r = client.post("/login", data={"csrf": csrf_of(form.text), "token": "not-a-token"})
    assert r.status_code == 422
    assert "登录凭证无效" in r.text
    assert ">not-a-token</textarea>" in r.text


def test_login_keeps_the_token_in_an_httponly_samesite_cookie_and_never_redirects_off_site(client):
    form = fresh(client).get("/login")
    bearer = token("applicant", subject="9132010029141777X2")["Authorization"].removeprefix("Bearer ")
    r = client.post("/login", data={"csrf": csrf_of(form.text), "token": bearer, "next": "https://evil.example/x"},
                    follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/my"
    cookie = r.headers["set-cookie"]
    assert "xiufu_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    form = fresh(client).get("/login")
    r = client.post("/login", data={"csrf": csrf_of(form.text), "token": bearer, "next": "//evil.example"},
                    follow_redirects=False)
    assert r.headers["location"] == "/my"


def test_a_form_posted_with_another_sessions_csrf_token_does_nothing(client):
    form = fresh(client).get("/login")
    stale = csrf_of(form.text)  # bound to the anonymous cookie, not to the session
    bearer = token("applicant", subject="9132010029141777X2")["Authorization"].removeprefix("Bearer ")
    client.post("/login", data={"csrf": stale, "token": bearer})
    r = client.post("/my", data={"csrf": stale, "record_ids": ["rec_x"], "contact_phone": "13912345678",
                                 "commitment": "yes"})
    assert r.status_code == 403
    assert "表单已过期" in r.text


def test_logout_ends_the_session(client):
    form = fresh(client).get("/login")
    bearer = token("caseworker", authority="320100-tax")["Authorization"].removeprefix("Bearer ")
    client.post("/login", data={"csrf": csrf_of(form.text), "token": bearer})
    page = client.get("/workbench")
    assert page.status_code == 200
    r = client.post("/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303 and 'xiufu_session=""' in r.headers["set-cookie"]


def test_demo_identities_exist_only_in_development(client):
    settings = get_settings()
    assert settings.env != "development"
    assert demo_identities(settings) == ()
    form = fresh(client).get("/login")
    assert "演示身份" not in form.text
    assert client.post("/login/demo", data={"csrf": csrf_of(form.text), "demo": "applicant"}).status_code == 403
    dev = settings.model_copy(update={"env": "development"})
    roles = {d.principal.role for d in demo_identities(dev)}
    assert {Role.APPLICANT, Role.WINDOW, Role.CASEWORKER, Role.SUPERVISOR, Role.AUDITOR} <= roles
    caseworkers = {d.principal.authority for d in demo_identities(dev) if d.principal.role is Role.CASEWORKER}
    assert len(caseworkers) == 2
    assert find_demo(dev, "applicant") is not None and find_demo(dev, "nobody") is None


def test_oidc_claims_become_the_principal_and_an_unknown_role_is_refused():
    import pytest

    from api.web.oidc import principal_from_claims
    from domain.errors import DomainError

    settings = get_settings()
    p = principal_from_claims({"sub": "u1", "xiufu_role": "applicant", "uscc": "9132010029141777x2"}, settings)
    assert (p.role, p.subject, p.sub) == (Role.APPLICANT, "9132010029141777X2", "oidc:u1")
    worker = principal_from_claims({"sub": "u2", "xiufu_role": "caseworker", "authority": "320100-tax"}, settings)
    assert worker.authority == "320100-tax"
    with pytest.raises(DomainError) as refused:
        principal_from_claims({"sub": "u3", "xiufu_role": "root"}, settings)
    assert refused.value.code == "OIDC_ROLE_UNKNOWN"


def test_an_api_token_is_not_a_page_session(client):
    """The cookie must hold a page session signed by xiufu; a bearer token set as the cookie opens nothing."""
    fresh(client).cookies.set("xiufu_session", token("admin")["Authorization"].removeprefix("Bearer "))
    assert client.get("/supervision", follow_redirects=False).status_code == 303


def test_a_persons_id_number_is_masked_on_pages_and_a_uscc_is_not():
    from api.web.render import environment
    from domain.identifiers import subject_kinds

    masked = environment().filters["subject_id"]
    person = "11010519491231002X"  # GB 11643's example number
    assert subject_kinds(person) and masked(person) != person and masked(person).startswith("1101")
    assert masked("9132010029141777X2") == "9132010029141777X2"


def test_a_stale_or_another_users_session_cookie_never_locks_anyone_out_of_sign_in(client):
    settings = get_settings()
    bearer = token("applicant", subject="9132010029141777X2")["Authorization"].removeprefix("Bearer ")
    from api.web.session import session_token
    from domain.access import Principal

    other = session_token(settings, Principal(sub="caseworker:a", role=Role.CASEWORKER, authority="320100-transport"))
    expired = jwt.encode({"iss": settings.jwt_issuer, "aud": "xiufu-pages", "sub": "applicant:x", "role": "applicant",
                          "iat": 1, "exp": 2}, settings.secret_key, algorithm="HS256")
    rotated = jwt.encode({"iss": settings.jwt_issuer, "aud": "xiufu-pages", "sub": "applicant:x", "role": "applicant",
                          "exp": 4102444800}, "an-old-secret-since-rotated-0123456789", algorithm="HS256")
    for stale in (expired, rotated, other):
        fresh(client).cookies.set("xiufu_session", stale)
        form = client.get("/login")
        assert form.status_code == 200
        if stale is not other:  # a cookie that opens nothing is deleted with the form
            assert 'xiufu_session=""' in form.headers.get("set-cookie", "")
        r = client.post("/login", data={"csrf": csrf_of(form.text), "token": bearer}, follow_redirects=False)
        assert r.status_code == 303, (r.status_code, r.text[:200])
        client.cookies.set("xiufu_session", stale)
        form = client.get("/login")
        demo = client.post("/login/demo", data={"csrf": csrf_of(form.text), "demo": "nobody"})
        assert demo.status_code != 403 or "演示身份" in demo.text  # never CSRF_REFUSED
        assert "表单已过期" not in demo.text
