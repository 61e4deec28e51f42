"""A SIMULATOR of the provincial non-tax revenue payment platform (非税收入缴款系统), which we cannot reach in
development or tests: a fine imposed by a penalty decision is paid there against the decision's number, and
the hub asks it whether a record's fine is paid (services/payments.py), so that no receipt upload is asked
when the payment side already says so (issue 11, obligations fulfilled later).

`GET /payments/notices/{decision_no}` answers the payment notice of a decision (the record's `record_no`,
URL-encoded), or 404 when the platform knows no such decision. Tests and demos set a notice with
`POST /payments/notices` and make the platform fail (503) or be slow with `POST /payments/control`. State is
in memory, like the sites in simulator/app.py, and forgotten on `/reset`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from simulator.faults import misbehave

router = APIRouter(prefix="/payments")


class Notice(BaseModel):
    """One payment notice (缴款通知书) as the platform keeps it."""

    decision_no: str = Field(min_length=1, max_length=128)
    amount: Decimal = Field(ge=0, max_digits=16, decimal_places=2)
    paid: bool = False
    paid_on: date | None = None
    payer_name: str = ""


class Control(BaseModel):
    fail_next: int = Field(default=0, ge=0)  # answer 503 to the next N look-ups
    delay_s: float = Field(default=0.0, ge=0)  # sleep before answering each look-up


class Platform:
    def __init__(self) -> None:
        self.notices: dict[str, Notice] = {}
        self.asked = 0  # look-ups received, answered or not
        self.control = Control()


platform = Platform()


def reset() -> None:
    platform.__init__()  # type: ignore[misc]


def _shown(notice: Notice) -> dict[str, Any]:
    return {"decision_no": notice.decision_no, "amount": f"{notice.amount:.2f}", "paid": notice.paid,
            "paid_on": notice.paid_on.isoformat() if notice.paid_on else None, "payer_name": notice.payer_name}


@router.get("/notices/{decision_no}")
async def notice_of(decision_no: str) -> dict[str, Any]:
    platform.asked += 1
    await misbehave(platform.control)
    found = platform.notices.get(decision_no)
    if found is None:
        raise HTTPException(404, "no such decision")
    return _shown(found)


@router.post("/notices", status_code=201)
def set_notice(notice: Notice) -> dict[str, Any]:
    """Sets (or replaces) the notice of one decision, paid or not."""
    platform.notices[notice.decision_no] = notice
    return _shown(notice)


@router.get("/asked")
def asked() -> dict[str, int]:
    """How many look-ups the platform received (a test checks that a known payment is not asked again)."""
    return {"asked": platform.asked}


@router.post("/control")
def control(settings: Control) -> dict[str, Any]:
    platform.control = settings
    return settings.model_dump()
