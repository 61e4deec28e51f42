"""The daily sweep (ReminderSweepWorkflow, started by a Temporal Schedule or by `xiufu sweep`)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

# ---- the daily sweep (跟踪监测并提供修复提醒服务) -------------------------------------------------------
REMINDER_SWEEP_WORKFLOW = "ReminderSweepWorkflow"
REMINDER_SCHEDULE_ID = "reminder-sweep"


def sweep_workflow_id(day: date) -> str:
    return f"sweep-{day.isoformat()}"


class SweepInput(BaseModel):
    """`day` for an operator's run (xiufu sweep --today); empty when the Schedule starts it (then: today in
    Beijing, from the workflow's clock)."""

    day: date | None = None


class SweepSettings(BaseModel):
    window_days: int
    follow_up_days: int
    page: int = 500


class SweepPage(BaseModel):
    day: date
    window_days: int = 0
    after_date: date | None = None
    after_id: str | None = None
    limit: int = 500


class SweepIds(BaseModel):
    ids: list[str]
    last_date: date | None = None
    last_id: str | None = None


class PaymentsAsked(BaseModel):
    confirmed: int  # found paid in full and marked fulfilled
    unavailable: int  # the platform did not answer for them: asked again the next day


class SweepSend(BaseModel):
    day: date
    record_ids: list[str]


class EndedBatch(BaseModel):
    ended: int
    reported: list[str]  # maximum reached, obligations unfulfilled: kept and reported, not dropped


class FiguresInput(BaseModel):
    day: date
    reminded: int = 0
    ended: int = 0
    reported: list[str] = []


class UploadsToPurge(BaseModel):
    """A page of uploads no application took: ids, and their files' digests (kept in the workflow's history,
    so a purge killed after deleting the rows still knows which files to look at)."""

    ids: list[str]
    digests: list[str]
    last_id: str | None = None


class SweepResult(BaseModel):
    day: date
    reminded: int
    ended: int
    reported: int
    figures: dict
    purged_uploads: int = 0
    payments_confirmed: int = 0  # fines the payment platform said paid: obligations marked fulfilled
