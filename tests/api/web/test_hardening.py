"""Sessions that end when their user signs out, the pages' security headers, and a client that keeps
sending bad credentials slowed down."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import create_app
from api.throttle import Throttle
from config.settings import get_settings
from tests.api.conftest import token
from tests.api.web.test_session import csrf_of, fresh


def sign_in(client, headers: dict[str, str]) -> str:
    form = fresh(client).get("/login")
    bearer = headers["Authorization"].removeprefix("Bearer ")
    r = client.post("/login", data={"csrf": csrf_of(form.text), "token": bearer}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client.cookies["xiufu_session"]


def test_logout_ends_the_session_even_for_a_copy_of_its_cookie(client):
    cookie = sign_in(client, token("supervisor", region="320200"))
    assert client.get("/supervision", follow_redirects=False).status_code == 200
    page = client.get("/supervision")
    r = client.post("/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    fresh(client).cookies.set("xiufu_session", cookie)  # the old cookie, kept by another tab or a thief
    again = client.get("/supervision", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


def test_pages_send_a_content_security_policy_and_no_referrer_to_other_sites(client):
    for path in ("/", "/login"):
        r = fresh(client).get(path)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
        assert r.headers["referrer-policy"] == "same-origin"
        assert r.headers["x-frame-options"] == "DENY"
    assert "content-security-policy" not in client.get("/api/v1/authorities").headers


def test_the_throttle_refuses_a_client_for_the_rest_of_its_window():
    now = [1000.0]
    throttle = Throttle(failures=3, window_s=60, clock=lambda: now[0])
    for _ in range(3):
        throttle.check("a")
        throttle.failed("a")
    try:
        throttle.check("a")
        raise AssertionError("a fourth attempt within the window must be refused")
    except Exception as refused:  # noqa: BLE001
        assert getattr(refused, "status", None) == 429 and refused.details["retry_after_s"] == 61
    throttle.check("b")  # another client is not affected
    now[0] += 61
    throttle.check("a")  # the window has passed


def test_bad_tokens_and_failed_sign_ins_from_one_client_are_answered_429():
    low = get_settings().model_copy(update={"throttle_failures": 3, "throttle_window_s": 300})
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: low
    with TestClient(app, client=("198.51.100.7", 40000)) as guesser, \
            TestClient(app, client=("198.51.100.8", 40000)) as someone_else:
        for _ in range(3):
            assert guesser.get("/api/v1/cases", headers={"Authorization": "Bearer guess"}).status_code == 401
        r = guesser.get("/api/v1/cases", headers=token("admin"))
        assert r.status_code == 429 and r.json()["code"] == "TOO_MANY_ATTEMPTS" and int(r.headers["retry-after"]) > 0
        form = guesser.get("/login")
        r = guesser.post("/login", data={"csrf": csrf_of(form.text), "token": "guess"})
        assert r.status_code == 429 and "尝试次数过多" in r.text
        assert someone_else.get("/api/v1/cases", headers=token("admin")).status_code == 200
