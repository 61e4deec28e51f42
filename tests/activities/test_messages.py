"""SMS through the message centre (the simulator's stand-in over HTTP): once per key, whatever happens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from sqlmodel import Session
from temporalio.exceptions import ApplicationError

from activities.messages import send_sms
from config.settings import get_settings
from store.db import engine_for
from store.migrate import upgrade
from store.models import SmsMessage


@pytest.fixture(scope="module")
def settings(simulator_url):
    s = get_settings()
    upgrade(s.db_url)
    return s


def message(phone: str = "13912345678") -> SmsMessage:
    return SmsMessage(id=f"test:{uuid.uuid4().hex}", purpose="eligible_soon", phone=phone, text="【江苏信用修复】测试",
                      created_at=datetime.now(UTC))


def stored(settings, key: str) -> SmsMessage:
    with Session(engine_for(settings.db_url)) as s:
        return s.get(SmsMessage, key)


def delivered(settings, key: str) -> int:
    return httpx.get(f"{settings.sms_url}/messages").json()["delivered"].get(key, 0)


def test_an_outage_is_retried_and_a_sent_message_is_not_sent_again(settings):
    m = message()
    httpx.post(f"{settings.sms_url}/control", json={"fail_next": 1})
    with pytest.raises(ApplicationError):  # retryable: Temporal tries again
        send_sms(settings, m)
    assert stored(settings, m.id).status == "pending"
    assert send_sms(settings, m) == "sent"
    assert send_sms(settings, m) == "already_sent"
    assert delivered(settings, m.id) == 1 and stored(settings, m.id).status == "sent"


def test_a_worker_killed_after_the_centre_answered_sends_no_second_sms(settings):
    m = message()
    # the centre took the message, then the worker died before recording it: the row still says pending
    httpx.post(f"{settings.sms_url}/messages", json={"phone": m.phone, "text": m.text},
               headers={"Idempotency-Key": m.id})
    assert send_sms(settings, m) == "sent"
    assert delivered(settings, m.id) == 1


def test_a_number_the_centre_refuses_is_kept_as_failed(settings):
    m = message(phone="12345")
    assert send_sms(settings, m) == "failed"
    row = stored(settings, m.id)
    assert row.status == "failed" and row.error
