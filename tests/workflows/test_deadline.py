"""The case's movable deadline (workflows/deadline.py) as the case shows it, on the time-skipping server with
the real activities: started on filing and on acceptance, paused while a supplement is awaited, resumed with
the working days that were left, extended once, marked overdue when it passes, and looked at daily while it
lies in a year whose holiday calendar is provisional."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import TypeVar

import pytest
from sqlmodel import Session, select
from temporalio.client import WorkflowUpdateFailedError

import activities.calendar as calendar_activities
from config.loader import load_calendar
from config.settings import get_settings
from contracts.case import CaseView, DecisionInput
from domain.clock import beijing_date, end_of_day
from domain.model import Role
from domain.workdays import Deadline
from store import cases as store_cases
from store.db import engine_for
from store.models import Notification
from tests.workflows.conftest import file_application, start_application

CW = {"actor": "caseworker:1", "actor_role": Role.CASEWORKER, "actor_authority": "320100-transport"}
T = TypeVar("T")
STARTED: list = []


@pytest.fixture(autouse=True)
async def terminate_leftovers():
    """Cases left waiting keep timers on the shared time-skipping server: end them after each test."""
    yield
    while STARTED:
        handle = STARTED.pop()
        with contextlib.suppress(Exception):  # already completed
            await handle.terminate("test over")


async def start_case(env, queue, inp):  # type: ignore[no-untyped-def]
    handle, (case,) = await start_application(env.client, queue, inp)
    STARTED.extend([handle, case])
    return case


async def decide(case, action: str, reason: str = "", **who) -> CaseView:  # type: ignore[no-untyped-def]
    d = DecisionInput(action=action, reason=reason, **(who or CW))
    return await case.execute_update("decide", d, result_type=CaseView)


async def progress(case) -> CaseView:  # type: ignore[no-untyped-def]
    return await case.query("progress", result_type=CaseView)


async def eventually(check: Callable[[], Awaitable[T]], seconds: float = 15) -> T:
    """Polls until `check` stops failing its assertions (the worker handles a fired timer a moment later)."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + seconds
    while True:
        try:
            return await check()
        except AssertionError:
            if loop.time() > give_up:
                raise
            await asyncio.sleep(0.05)


def events(case_id: str):  # type: ignore[no-untyped-def]
    with Session(engine_for(get_settings().db_url)) as s:
        return store_cases.events_of(s, [case_id])


def calendar():  # type: ignore[no-untyped-def]
    return load_calendar(get_settings().config_dir)


def day_of(case_id: str, action: str) -> date:
    """The Beijing day the workflow took an action (its event's time is the workflow's clock)."""
    return beijing_date(next(e.at for e in events(case_id) if e.action == action))


async def test_an_overdue_case_extended_is_due_again_later_and_only_once(env, worker):
    inp = file_application()
    case_id = inp.cases[0].case_id
    case = await start_case(env, worker, inp)
    accepted = await decide(case, "accept")
    start = day_of(case_id, "accept")
    assert accepted.deadline == calendar().add_workdays(start, inp.limits.decision).due
    await env.sleep(end_of_day(accepted.deadline) + timedelta(hours=1) - await env.get_current_time())

    async def overdue() -> CaseView:
        view = await progress(case)
        assert view.overdue
        return view

    assert (await eventually(overdue)).deadline == accepted.deadline
    extended = await decide(case, "extend", reason="案情复杂，需进一步核实")
    assert extended.deadline == calendar().add_workdays(start, inp.limits.decision + inp.limits.extension).due
    assert extended.overdue is False and extended.state == "under_review"
    assert events(case_id)[-1].message == f"延长办理时限{inp.limits.extension}个工作日"
    with pytest.raises(WorkflowUpdateFailedError) as err:
        await decide(case, "extend", reason="再延长一次")
    assert err.value.cause.type == "EXTENSION_USED"
    assert [e.action for e in events(case_id)].count("overdue") == 1


async def test_a_supplement_stops_the_clock_and_the_days_left_start_again_when_it_arrives(env, worker):
    inp = file_application()
    case_id = inp.cases[0].case_id
    case = await start_case(env, worker, inp)
    accepted = await decide(case, "accept")
    await env.sleep(timedelta(days=1))
    await decide(case, "request_supplement", reason="请补充罚款缴纳凭证")
    left = calendar().workdays_between(day_of(case_id, "request_supplement"), accepted.deadline)
    await env.sleep(timedelta(days=30))  # far past the deadline: but its clock stood still
    paused = await progress(case)
    assert paused.state == "supplement_requested" and paused.overdue is False
    assert paused.deadline == accepted.deadline
    back = await decide(case, "supplement", actor="applicant:t", actor_role=Role.APPLICANT)
    assert back.state == "under_review" and back.overdue is False
    assert back.deadline == calendar().add_workdays(day_of(case_id, "supplement"), left).due
    assert "overdue" not in [e.action for e in events(case_id)]


class ProvisionalUntilPublished:
    """A calendar whose year is provisional until `published` is set (an operator adds the official one)."""

    def __init__(self, provisional_days: int, official_days: int) -> None:
        self.provisional_days, self.official_days = provisional_days, official_days
        self.published = False
        self.asked = 0

    def add_workdays(self, start: date, n: int) -> Deadline:
        self.asked += 1
        if self.published:
            return Deadline(due=start + timedelta(days=self.official_days), provisional=False)
        return Deadline(due=start + timedelta(days=self.provisional_days), provisional=True)

    def workdays_between(self, start: date, end: date) -> int:
        return max((end - start).days, 0)


async def test_a_provisional_deadline_is_recomputed_daily_until_the_official_calendar_is_added(
        env, worker, monkeypatch):
    fake = ProvisionalUntilPublished(provisional_days=6, official_days=8)
    monkeypatch.setattr(calendar_activities, "_calendar", lambda: fake)
    inp = file_application(filed_at=await env.get_current_time())  # the server's clock: earlier tests moved it
    case_id = inp.cases[0].case_id
    case = await start_case(env, worker, inp)
    filed = await progress(case)
    assert filed.provisional and filed.deadline == beijing_date(inp.filed_at) + timedelta(days=6)
    await env.sleep(timedelta(days=1, hours=1))

    async def looked_again() -> None:
        assert fake.asked == 2

    await eventually(looked_again)
    assert (await progress(case)).provisional  # still provisional, still the same day: nothing to tell
    assert "recompute" not in [e.action for e in events(case_id)]
    fake.published = True
    await env.sleep(timedelta(days=1))

    async def recomputed() -> CaseView:
        view = await progress(case)
        assert not view.provisional
        return view

    view = await eventually(recomputed)
    assert view.deadline == beijing_date(inp.filed_at) + timedelta(days=8) and view.overdue is False
    last = events(case_id)[-1]
    assert last.action == "recompute"
    assert last.message == f"已按正式节假日安排重新计算办理时限，截止日期为{view.deadline}"


async def test_an_overdue_provisional_deadline_is_still_looked_at_daily_and_marked_overdue_once(
        env, worker, monkeypatch):
    fake = ProvisionalUntilPublished(provisional_days=0, official_days=0)  # due the day it is filed
    monkeypatch.setattr(calendar_activities, "_calendar", lambda: fake)
    inp = file_application(filed_at=await env.get_current_time())  # the server's clock: earlier tests moved it
    case_id = inp.cases[0].case_id
    case = await start_case(env, worker, inp)
    await env.sleep(timedelta(days=3, hours=1))

    async def looked_daily() -> None:
        assert fake.asked >= 4  # the filing, then once a day

    await eventually(looked_daily)
    view = await progress(case)
    assert view.overdue and view.provisional and view.state == "pending_acceptance"
    assert [e.action for e in events(case_id)].count("overdue") == 1
    with Session(engine_for(get_settings().db_url)) as s:
        notes = s.exec(select(Notification).where(Notification.case_id == case_id)).all()
    assert {n.recipient_scope for n in notes} == {"320100", "320000"}
    fake.published = True
    await env.sleep(timedelta(days=1))

    async def official() -> CaseView:
        view = await progress(case)
        assert not view.provisional
        return view

    assert (await eventually(official)).overdue  # the day is the same, and it has passed
    assert [e.action for e in events(case_id)][-2:] == ["overdue", "recompute"]
