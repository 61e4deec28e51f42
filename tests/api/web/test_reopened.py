"""A form's POST address opened again with GET (a reload after a refusal, a bookmark) leads to the form's
page instead of answering METHOD_NOT_ALLOWED."""

from __future__ import annotations

from tests.api.web.test_session import fresh


def test_a_forms_address_opened_again_leads_to_its_page(client):
    fresh(client)
    for path, page in (("/applications/app_x/withdraw", "/applications/app_x"),
                       ("/applications/app_x/evaluations", "/applications/app_x"),
                       ("/cases/case_x/decisions", "/cases/case_x"), ("/login/demo", "/login"), ("/logout", "/"),
                       ("/window/lookup", "/window")):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303, (path, r.status_code)
        assert r.headers["location"] == page
        assert "METHOD_NOT_ALLOWED" not in r.text


def test_the_supplement_address_leads_to_the_application_or_to_sign_in(client):
    r = fresh(client).get("/cases/case_x/supplement", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/cases/case_x/supplement")
    from tests.api.conftest import token
    from tests.api.web.test_hardening import sign_in

    sign_in(client, token("applicant", subject="9132010029141777X2"))
    r = client.get("/cases/case_x/supplement", follow_redirects=False)
    assert r.status_code == 404 and "METHOD_NOT_ALLOWED" not in r.text  # a case not theirs: as any page
