"""WorkdayDeadline: a case's time limit in working days, which people move while the case runs.

After samples-python's `updatable_timer` (UpdatableTimer): the helper holds the deadline, and the workflow's
loop waits on it for "something changed, or it is time to look at the deadline again"
(`workflow.wait_condition(..., timeout=)`, its `TimeoutError` turned into a wake-up). It moves the way
the time limits of config/policy.yaml say:

- started when the case is filed (受理时限) and again when it is accepted (审核时限);
- paused while a supplement is awaited (补正材料的时间不计入办理时限): the working days left are kept;
- resumed when the supplement arrives: those days start again from that day;
- extended by the policy's extension in working days (how often is the rule's: domain/transitions.py);
- overdue once the end of its last day (Beijing time) has passed: marked once, never deciding anything;
- while it lies in a year whose holiday calendar is provisional, looked at again daily and recomputed, so
  an operator's newly added official calendar takes effect (domain/workdays.py).

The working-day arithmetic is not here: the holiday calendar is configuration, so the calendar activities
compute every due date and this class only calls them and keeps their answers. What the case tells about it
(the timeline, the store, the supervisors) is the workflow's.

Every activity is scheduled at the same point of the workflow as before this class existed, and every field
changes on the same side of each `await` (a validator that runs meanwhile sees the same state): saved
histories replay (tests/workflows/test_replay.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities import calendar as calendar_activities
    from contracts.case import Deadline, RemainingInput, WorkdaysInput
    from domain.clock import beijing_date, end_of_day

CALENDAR = {"start_to_close_timeout": timedelta(seconds=30),
            "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=30))}
# While a deadline lies in a year without an official calendar, look again daily: once an operator adds
# the year, the provisional deadline is recomputed.
PROVISIONAL_RECHECK = timedelta(days=1)


class WorkdayDeadline:
    def __init__(self) -> None:
        self.current: Deadline | None = None
        self.paused = False
        self.paused_remaining: int | None = None  # working days left when the clock was stopped
        self.overdue = False
        self.extensions_used = 0

    @property
    def due(self) -> date | None:
        return self.current.due if self.current else None

    @property
    def provisional(self) -> bool:
        return bool(self.current and self.current.provisional)

    # ---- moving it ---------------------------------------------------------------------------
    async def start(self, kind: str, start: date, workdays: int) -> None:
        """A new time limit of `workdays` working days after `start` (the filing, the acceptance)."""
        await self._compute(kind, start, workdays)
        self.overdue = False

    async def pause(self) -> None:
        """The clock stops (a supplement is asked for): keeps the working days left as of today."""
        if self.current is not None:
            self.paused_remaining = await workflow.execute_activity(
                calendar_activities.remaining_workdays,
                RemainingInput(today=beijing_date(workflow.now()), due=self.current.due), **CALENDAR)
        self.paused = True

    async def resume(self) -> None:
        """The supplement arrived: the working days left start again from today."""
        if self.current is None:
            return
        remaining = self.paused_remaining if self.paused_remaining is not None else 0
        await self._compute(self.current.kind, beijing_date(workflow.now()), remaining)
        self.paused, self.paused_remaining = False, None
        self.overdue = False

    async def extend(self, workdays: int) -> None:
        """`workdays` more, counted from the same start; overdue only if even the new day has passed."""
        if self.current is None:
            return
        self.extensions_used += 1  # before the await: a second extension's validator must see this one
        await self._compute(self.current.kind, self.current.start, self.current.workdays + workdays)
        self.overdue = self._passed()

    def clear(self) -> None:
        """The case is decided: no time limit runs any more (an overdue mark stays, as history)."""
        self.current = None

    # ---- waiting on it -----------------------------------------------------------------------
    async def wait(self, changed: Callable[[], bool]) -> bool:
        """Until `changed()` holds (True), or it is time to look at the deadline (False): the end of its
        last day, or a day later while it rests on a provisional calendar. No timer at all while it is
        paused, cleared, or overdue on an official calendar: then only a change wakes the case."""
        try:
            await workflow.wait_condition(changed, timeout=self._time_to_look())
        except TimeoutError:  # asyncio.TimeoutError, as the sample catches it, is this one since 3.11
            return False
        return True

    async def recompute_if_provisional(self) -> bool:
        """Asks the calendar again for a provisional deadline. True when the case should say so: the year's
        official calendar is now there, or the day moved."""
        if self.current is None or not self.current.provisional:
            return False
        old = self.current
        await self._compute(old.kind, old.start, old.workdays)
        return not self.current.provisional or self.current.due != old.due

    def mark_overdue_if_passed(self) -> bool:
        """Marks the deadline overdue once its last day has ended; True only the first time."""
        if self.current is None or self.overdue or not self._passed():
            return False
        self.overdue = True
        return True

    # ---- mechanics ---------------------------------------------------------------------------
    def _time_to_look(self) -> timedelta | None:
        if self.current is None or self.paused:
            return None  # the clock stops while supplements are awaited
        if self.overdue:
            return PROVISIONAL_RECHECK if self.current.provisional else None
        left = end_of_day(self.current.due) - workflow.now()
        if self.current.provisional:
            left = min(left, PROVISIONAL_RECHECK)
        return max(left, timedelta(seconds=1))

    def _passed(self) -> bool:
        return self.current is not None and workflow.now() >= end_of_day(self.current.due)

    async def _compute(self, kind: str, start: date, workdays: int) -> None:
        due = await workflow.execute_activity(
            calendar_activities.add_workdays, WorkdaysInput(start=start, workdays=workdays), **CALENDAR)
        self.current = Deadline(kind=kind, start=start, workdays=workdays, due=due.due, provisional=due.provisional)
