"""The form beside a fine's proof upload on /my and /window ("已缴纳罚款？可直接查询缴款记录"), without a browser:
a form of its own (not nested in the application form), posting with the page's CSRF token, back to the page
it came from (303) with what was found on the record's card; a payment found leaves the record asking no
proof. The simulated payment platform is set over HTTP."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from api import clock
from config.rules import rules_for
from config.settings import get_settings
from domain.access import Principal
from domain.clock import chinese_date
from domain.errors import CATALOGUE, Code
from domain.model import Role
from domain.periods import add_months
from services import registering
from services.commands import RecordCreate
from store.db import engine_for, session_scope
from tests import factories
from tests.api.conftest import token
from tests.api.web.test_hardening import sign_in
from tests.api.web.test_session import csrf_of

TITLE = "已缴纳罚款？可直接查询缴款记录"
PAID = "的缴款记录，无需上传缴款凭证。"
UNPAID = "未查询到该处罚决定的缴款记录，请上传缴款凭证。"


@pytest.fixture
def platform(simulator_url, client):
    with httpx.Client(base_url=simulator_url + "/payments", timeout=5) as sim:
        yield sim
        sim.post("/control", json={})


def registered(uscc: str, **over: Any) -> dict[str, str]:
    """A penalty with a fine of 5,000, eligible, whose payment nobody has told the hub of (stored directly: no
    letter workflow is needed here)."""
    body = factories.record_body(**{"decided_on": str(add_months(clock.today(), -4)), "obligations_fulfilled": None,
                                    "subject": {"uscc": uscc, "name": "江苏某某商贸有限公司"}, **over})
    settings = get_settings()
    with session_scope(engine_for(settings.db_url)) as session:
        row, _ = registering.register(session, rules_for(settings.config_dir), Principal(sub="a", role=Role.ADMIN),
                                      RecordCreate.model_validate(body), clock.today(), clock.now())
        return {"id": row.id, "record_no": row.record_no}


class Forms(HTMLParser):
    """Each form's id and action, the deepest nesting of forms, and each button's `form` attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = self.deepest = 0
        self.forms: dict[str, str] = {}
        self.buttons: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)
            self.forms[found.get("id") or f"#{len(self.forms)}"] = found.get("action") or ""
        if tag == "button":
            self.buttons.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.depth -= 1


def forms_of(html: str) -> Forms:
    parsed = Forms()
    parsed.feed(html)
    return parsed


def test_a_fine_paid_is_found_and_the_form_then_asks_no_proof(client, platform):
    uscc = factories.uscc()
    record = registered(uscc)
    no_fine = registered(uscc, penalty_types=["没收违法所得"], fine_amount=None)  # a proof asked, but no fine
    sign_in(client, token("applicant", subject=uscc))
    page = client.get("/my")
    assert page.status_code == 200 and page.text.count(TITLE) == 1
    forms = forms_of(page.text)
    assert forms.deepest == 1, "forms cannot nest"
    own = f"pay-form-{record['id']}"
    assert forms.forms[own] == f"/records/{record['id']}/payment-check"
    assert f"pay-form-{no_fine['id']}" not in forms.forms
    (button,) = [b for b in forms.buttons if b.get("form") == own]
    assert button["type"] == "submit" and button["aria-describedby"] == f"pay-{record['id']}-hint"
    assert f'id="proof-{record["id"]}"' in page.text

    day = clock.today() - timedelta(days=5)
    platform.post("/notices", json={"decision_no": record["record_no"], "amount": "5000.00", "paid": True,
                                    "paid_on": str(day), "payer_name": "江苏某某商贸有限公司"})
    url = f"/records/{record['id']}/payment-check"
    assert client.post(url, data={}, follow_redirects=False).status_code == 403  # no CSRF token
    r = client.post(url, data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/my?payment=paid&record={record['id']}#payment-{record['id']}"
    after = client.get(r.headers["location"])
    assert f"已查询到{chinese_date(day)}{PAID}" in after.text
    assert f'id="proof-{record["id"]}"' not in after.text and own not in after.text  # no proof asked any more
    assert client.get("/my").text.count(PAID) == 0  # the notice is the redirect's alone

    again = client.post(url, data={"csrf": csrf_of(page.text)}, follow_redirects=False)  # sent again: the same
    assert again.headers["location"].startswith("/my?payment=paid&")


def test_unpaid_unknown_and_down_go_back_with_their_message_and_change_nothing(client, platform):
    uscc = factories.uscc()
    unpaid, unknown = registered(uscc), registered(uscc)
    platform.post("/notices", json={"decision_no": unpaid["record_no"], "amount": "5000.00", "paid": False})
    sign_in(client, token("applicant", subject=uscc))
    csrf = csrf_of(client.get("/my").text)
    for record in (unpaid, unknown):
        r = client.post(f"/records/{record['id']}/payment-check", data={"csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303 and "payment=unpaid" in r.headers["location"]
        page = client.get(r.headers["location"])
        assert UNPAID in page.text and f'id="proof-{record["id"]}"' in page.text

    platform.post("/control", json={"fail_next": 1})
    r = client.post(f"/records/{unpaid['id']}/payment-check", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and "payment=unavailable" in r.headers["location"]
    page = client.get(r.headers["location"])
    assert CATALOGUE[Code.PAYMENT_PLATFORM_UNAVAILABLE].message + "。" in page.text  # the catalogue's words
    assert f'id="proof-{unpaid["id"]}"' in page.text

    # an address typed by hand cannot make the page say a fine is paid: the record still asks for its proof
    forged = client.get(f"/my?payment=paid&record={unpaid['id']}")
    assert PAID not in forged.text and f'id="proof-{unpaid["id"]}"' in forged.text


def test_the_counter_goes_back_to_the_subject_it_shows_and_others_learn_nothing(client, platform):
    uscc = factories.uscc()
    record = registered(uscc)
    sign_in(client, token("window", authority="320100-service_centre"))
    page = client.get(f"/window?subject={uscc}")
    assert page.status_code == 200 and TITLE in page.text and forms_of(page.text).deepest == 1
    r = client.post(f"/records/{record['id']}/payment-check", data={"csrf": csrf_of(page.text), "subject": uscc},
                    follow_redirects=False)
    assert r.status_code == 303
    back = f"/window?subject={uscc}&payment=unpaid&record={record['id']}#payment-{record['id']}"
    assert r.headers["location"] == back
    assert UNPAID in client.get(r.headers["location"]).text

    sign_in(client, token("applicant", subject=factories.uscc()))  # another subject's applicant
    csrf = csrf_of(client.get("/my").text)
    hidden = client.post(f"/records/{record['id']}/payment-check", data={"csrf": csrf}, follow_redirects=False)
    assert hidden.status_code == 404 and "NOT_FOUND" in hidden.text
    assert re.search(r"不存在或无权查看", hidden.text)


def test_a_record_refused_only_for_an_unpaid_fine_can_be_checked_and_then_applied_for(client, platform):
    """Registered with the fine not paid (`obligations_fulfilled: false`), the record cannot be selected; its
    card offers the check, and a payment found makes it selectable, with the payment named on its facts."""
    uscc = factories.uscc()
    record = registered(uscc, obligations_fulfilled=False)
    sign_in(client, token("applicant", subject=uscc))
    page = client.get("/my")
    assert "暂不能申请" in page.text and page.text.count(TITLE) == 1
    assert f'id="rec-{record["id"]}"' not in page.text  # not selectable
    own = f"pay-form-{record['id']}"
    assert forms_of(page.text).forms[own] == f"/records/{record['id']}/payment-check"

    url = f"/records/{record['id']}/payment-check"
    unpaid = client.post(url, data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert "未查询到该处罚决定的足额缴款记录" in client.get(unpaid.headers["location"]).text

    day = clock.today() - timedelta(days=2)
    platform.post("/notices", json={"decision_no": record["record_no"], "amount": "5000.00", "paid": True,
                                    "paid_on": str(day), "payer_name": "江苏某某商贸有限公司"})
    r = client.post(url, data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    after = client.get(r.headers["location"]).text
    assert f'id="rec-{record["id"]}"' in after and f"已查询到{chinese_date(day)}{PAID}" in after
    assert f"经非税收入缴款系统查询，已于{chinese_date(day)}足额缴纳罚款" in after
