"""The misbehaviour every simulated system can be told to show (its `control`), in one place: a slow answer,
then outages (503), then refusals (422), each counted down as it is used."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import HTTPException


async def misbehave(control: Any, refusal: str = "", slow: bool = True) -> None:
    """Raises the simulated outage or refusal `control` asks for next, after its delay when `slow`. A control
    without `refuse_next` (or `delay_s`) never refuses (or waits)."""
    if slow and getattr(control, "delay_s", 0):
        await asyncio.sleep(control.delay_s)
    if control.fail_next > 0:
        control.fail_next -= 1
        raise HTTPException(503, "simulated outage")
    if getattr(control, "refuse_next", 0) > 0:
        control.refuse_next -= 1
        raise HTTPException(422, f"simulated refusal: {refusal}")
