"""The rating form on /applications/{id} and the /supervision page, without a browser: the refusal next
to the field with the typed values kept, then the rating shown instead of the form; supervisors of the
city see it, of another city not."""

from __future__ import annotations

import re

from api.web.session import session_token
from config.settings import get_settings
from domain.access import Principal
from domain.model import Role
from tests import factories
from tests.api.routes.test_evaluations import seed

HANDLER = "320900-market_regulation"


def signed_in(client, role: str, **scope: str):
    client.cookies.clear()
    client.cookies.set("xiufu_session", session_token(get_settings(), Principal(sub=f"{role}:t", role=Role(role),
                                                                                 **scope)))
    return client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def test_rating_form_refuses_a_bad_rating_without_comment_then_shows_the_rating(client):
    app_id, subject, _ = seed({HANDLER: "repaired"})
    page = signed_in(client, "applicant", subject=subject).get(f"/applications/{app_id}")
    assert page.status_code == 200 and "服务评价" in page.text and 'name="rating"' in page.text
    url = f"/applications/{app_id}/evaluations"
    r = client.post(url, data={"csrf": csrf_of(page.text), "handler": HANDLER, "rating": "2", "comment": "  "})
    assert r.status_code == 422
    assert 'class="field-error" id="comment-1-error"' in r.text and "请填写评价意见" in r.text
    assert 'id="rating-1-2" name="rating" value="2" required checked' in r.text
    r = client.post(url, data={"csrf": csrf_of(page.text), "handler": HANDLER, "rating": "2", "comment": "<b>慢</b>"},
                    follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, f"/applications/{app_id}?rated=1")
    shown = client.get(r.headers["location"])
    assert "感谢您的评价" in shown.text and "不满意" in shown.text and "&lt;b&gt;慢&lt;/b&gt;" in shown.text
    assert 'name="rating"' not in shown.text
    assert client.post(url, data={"handler": HANDLER, "rating": "5"}).status_code == 403  # no CSRF token

    sup = signed_in(client, "supervisor", region="320900").get("/supervision")
    assert sup.status_code == 200 and "&lt;b&gt;慢&lt;/b&gt;" in sup.text and "差评待整改" in sup.text
    other = signed_in(client, "supervisor", region="320100").get("/supervision")
    assert other.status_code == 200 and "&lt;b&gt;慢&lt;/b&gt;" not in other.text
    assert signed_in(client, "caseworker", authority=HANDLER).get("/supervision").status_code == 403


def test_the_form_waits_for_every_case_and_is_only_for_the_applicant(client):
    app_id, subject, _ = seed({HANDLER: "repaired", "320900-tax": "under_review"})
    page = signed_in(client, "applicant", subject=subject).get(f"/applications/{app_id}")
    assert page.status_code == 200 and 'name="rating"' not in page.text
    app_id, subject, _ = seed({HANDLER: "repaired"})
    page = signed_in(client, "supervisor", region="320900").get(f"/applications/{app_id}")
    assert page.status_code == 200 and 'name="rating"' not in page.text


def test_audit_page_refuses_like_the_api(client):
    _, _, cases = seed({HANDLER: "repaired"})
    case_id = cases[HANDLER]
    assert signed_in(client, "applicant", subject=factories.uscc()).get(f"/audit/cases/{case_id}").status_code == 403
    assert signed_in(client, "supervisor", region="320100").get(f"/audit/cases/{case_id}").status_code == 404
    case = signed_in(client, "auditor").get(f"/cases/{case_id}")
    assert f'href="/audit/cases/{case_id}"' in case.text
