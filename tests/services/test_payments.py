"""Asking the non-tax revenue payment platform whether a record's fine is paid (services/payments.py), against
the in-process simulator over HTTP: a payment of the whole fine marks the obligations fulfilled (once), an
unpaid, partly paid or unknown one changes nothing, the platform down or slow is 503 and changes nothing, a
record with no fine is refused, and a caller who may not see the record learns nothing of it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from api import clock
from config.rules import rules_for
from config.settings import get_settings
from domain.access import Principal
from domain.errors import Code, DomainError
from domain.model import Role
from services import payments, registering
from services.commands import RecordCreate
from store import records as store_records
from store.db import engine_for, session_scope
from tests import factories

ISSUER = "320100-market_regulation"
ADMIN = Principal(sub="admin:x", role=Role.ADMIN)


@pytest.fixture
def platform(simulator_url, store_ready):
    """The simulator's payment platform; told to behave again after each test."""
    with httpx.Client(base_url=simulator_url + "/payments", timeout=5) as client:
        yield client
        client.post("/control", json={})


def registered(**over: Any) -> tuple[str, str, str]:
    """(id, record_no, subject) of a new penalty record with a fine of 5,000 whose payment nobody knows yet."""
    body = factories.record_body(obligations_fulfilled=None, **over)
    settings = get_settings()
    with session_scope(engine_for(settings.db_url)) as session:
        row, _ = registering.register(session, rules_for(settings.config_dir), ADMIN, RecordCreate.model_validate(body),
                                      clock.today(), clock.now())
        return row.id, row.record_no, row.subject_key


def stored(record_id: str):  # type: ignore[no-untyped-def]
    with session_scope(engine_for(get_settings().db_url)) as session:
        return store_records.get(session, record_id)


def applicant(subject: str) -> Principal:
    return Principal(sub=f"applicant:{subject}", role=Role.APPLICANT, subject=subject)


def notice(platform: httpx.Client, record_no: str, **over: Any) -> None:
    body = {"decision_no": record_no, "amount": "5000.00", "paid": True,
            "paid_on": str(clock.today() - timedelta(days=3)), "payer_name": "南京某某有限公司", **over}
    assert platform.post("/notices", json=body).status_code == 201


def asked(platform: httpx.Client) -> int:
    return int(platform.get("/asked").json()["asked"])


async def check(record_id: str, who: Principal = ADMIN) -> payments.PaymentCheck:
    return await payments.check_payment(get_settings(), who, record_id, clock.today())


async def test_a_payment_of_the_whole_fine_marks_the_obligations_fulfilled_once(platform):
    record_id, record_no, subject = registered()
    paid_on = clock.today() - timedelta(days=3)
    notice(platform, record_no)
    found = await check(record_id, applicant(subject))
    assert (found.paid, found.paid_on, found.amount, found.asked, found.changed) == (
        True, paid_on, Decimal("5000.00"), True, True)
    row = stored(record_id)
    assert (row.obligations_fulfilled, row.obligations_confirmed_on, row.obligations_confirmed_by) == (
        True, paid_on, "payment_platform")

    before = asked(platform)
    again = await check(record_id, applicant(subject))  # known now: answered from the record, nothing asked
    assert (again.paid, again.paid_on, again.asked, again.changed) == (True, paid_on, False, False)
    assert asked(platform) == before
    assert stored(record_id).obligations_confirmed_on == paid_on


async def test_a_record_known_fulfilled_is_answered_without_asking(platform):
    body = factories.record_body(obligations_fulfilled=True)
    settings = get_settings()
    with session_scope(engine_for(settings.db_url)) as session:
        row, _ = registering.register(session, rules_for(settings.config_dir), ADMIN, RecordCreate.model_validate(body),
                                      clock.today(), clock.now())
        record_id = row.id
    before = asked(platform)
    found = await check(record_id)
    assert (found.paid, found.asked, found.amount) == (True, False, None)
    assert asked(platform) == before


@pytest.mark.parametrize("over", [{"paid": False, "paid_on": None}, {"amount": "4999.99"},
                                  {"paid_on": None}], ids=["unpaid", "partly paid", "paid on no day"])
async def test_a_notice_not_showing_the_whole_fine_paid_changes_nothing(platform, over):
    record_id, record_no, _ = registered()
    notice(platform, record_no, **over)
    found = await check(record_id)
    assert (found.paid, found.paid_on, found.asked, found.changed) == (False, None, True, False)
    assert found.amount == Decimal(over.get("amount", "5000.00"))
    row = stored(record_id)
    assert (row.obligations_fulfilled, row.obligations_confirmed_on, row.obligations_confirmed_by) == (None, None, None)


async def test_a_payment_dated_after_today_is_not_taken(platform):
    record_id, record_no, _ = registered()
    notice(platform, record_no, paid_on=str(clock.today() + timedelta(days=1)))
    assert (await check(record_id)).paid is False and stored(record_id).obligations_fulfilled is None


async def test_a_decision_the_platform_does_not_know_is_not_paid(platform):
    record_id, _, _ = registered()
    found = await check(record_id)
    assert (found.paid, found.amount, found.asked) == (False, None, True)
    assert stored(record_id).obligations_fulfilled is None


async def test_the_platform_down_or_slow_is_unavailable_and_changes_nothing(platform, monkeypatch):
    record_id, record_no, _ = registered()
    notice(platform, record_no)
    platform.post("/control", json={"fail_next": 1})
    with pytest.raises(DomainError) as down:
        await check(record_id)
    assert down.value.code is Code.PAYMENT_PLATFORM_UNAVAILABLE and down.value.refusal == "unavailable"
    assert stored(record_id).obligations_fulfilled is None

    monkeypatch.setattr(payments, "TIMEOUT_S", 0.2)
    platform.post("/control", json={"delay_s": 1.0})
    with pytest.raises(DomainError) as slow:
        await check(record_id)
    assert slow.value.code is Code.PAYMENT_PLATFORM_UNAVAILABLE
    assert stored(record_id).obligations_fulfilled is None

    platform.post("/control", json={})
    assert (await check(record_id)).paid is True  # back: the same check finds the payment


async def test_the_platform_unreachable_is_unavailable(platform, monkeypatch):
    record_id, _, _ = registered()
    nowhere = get_settings().model_copy(update={"payment_platform_url": "http://127.0.0.1:9/payments"})
    assert nowhere.payments_url == "http://127.0.0.1:9/payments"
    with pytest.raises(DomainError) as refused:
        await payments.check_payment(nowhere, ADMIN, record_id, clock.today())
    assert refused.value.code is Code.PAYMENT_PLATFORM_UNAVAILABLE


async def test_a_record_with_no_fine_is_refused(platform):
    record_id, _, _ = registered(penalty_types=["警告"], fine_amount=None)
    before = asked(platform)
    with pytest.raises(DomainError) as refused:
        await check(record_id)
    assert refused.value.code is Code.NO_FINE and refused.value.message == "该信息没有罚款，无需查询缴款记录"
    assert asked(platform) == before


async def test_who_may_ask(platform):
    record_id, record_no, subject = registered()
    notice(platform, record_no, paid=False, paid_on=None)
    for who in (applicant(subject), Principal(sub="w", role=Role.WINDOW, authority="320100-service_centre"),
                Principal(sub="i", role=Role.INTEGRATOR, authority=ISSUER),
                Principal(sub="c", role=Role.CASEWORKER, authority=ISSUER), ADMIN):
        assert (await check(record_id, who)).paid is False, who
    for who in (applicant(factories.uscc()), Principal(sub="i", role=Role.INTEGRATOR, authority="320100-tax"),
                Principal(sub="c", role=Role.CASEWORKER, authority="320100-tax"),
                Principal(sub="s", role=Role.SUPERVISOR, region="320100"), Principal(sub="a", role=Role.AUDITOR)):
        with pytest.raises(DomainError) as hidden:
            await check(record_id, who)
        assert hidden.value.code is Code.NOT_FOUND, who
    with pytest.raises(DomainError) as unknown:
        await check("rec_nosuchrecord")
    assert unknown.value.code is Code.NOT_FOUND


def test_the_platform_defaults_to_the_simulator():
    settings = get_settings().model_copy(update={"simulator_url": "http://sim.test:8900/", "payment_platform_url": ""})
    assert settings.payments_url == "http://sim.test:8900/payments"
