"""Working-day arithmetic as activities: the holiday calendar is configuration an operator changes while
cases run (a new year's calendar), so workflows ask for it instead of reading it themselves."""

from __future__ import annotations

from temporalio import activity

from config.loader import load_calendar
from config.settings import get_settings
from contracts.case import DueDate, RemainingInput, WorkdaysInput


def _calendar():  # type: ignore[no-untyped-def]
    return load_calendar(get_settings().config_dir)


@activity.defn
def add_workdays(request: WorkdaysInput) -> DueDate:
    deadline = _calendar().add_workdays(request.start, request.workdays)
    return DueDate(due=deadline.due, provisional=deadline.provisional)


@activity.defn
def remaining_workdays(request: RemainingInput) -> int:
    if request.due <= request.today:
        return 0
    return _calendar().workdays_between(request.today, request.due)
