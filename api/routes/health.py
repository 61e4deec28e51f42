from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Response

from api import clock
from api.deps import RulesDep, SettingsDep
from api.errors import refusals
from config.rules import Rules
from services.db import in_session
from services.temporal import temporal_reachable

router = APIRouter(tags=["health"])


def provisional_years(rules: Rules) -> list[int]:
    """Years that deadlines may reach (this one and the next) without an official holiday calendar: their
    deadlines are provisional until an operator adds the year to config/holidays.yaml."""
    year = clock.today().year
    return [y for y in (year, year + 1) if not rules.calendar.is_official(y)]


def calendar_warnings(rules: Rules) -> list[str]:
    return [
        f"{y}年的法定节假日安排尚未配置，该年内的办理时限为暂定值（仅按周末和法定节日计算），"
        f"请在 config/holidays.yaml 中配置国务院办公厅公布的{y}年节假日安排"
        for y in provisional_years(rules)
    ]


@router.get("/healthz", responses={503: {"description": "数据库或流程服务不可用（正文同 200,status 为 degraded）"},
                                  **refusals(public=True)})
async def healthz(settings: SettingsDep, rules: RulesDep, response: Response) -> dict[str, Any]:
    """Liveness and what an operator must know: the database, Temporal, and holiday calendars missing."""
    checks: dict[str, Any] = {}
    try:
        await in_session(settings, lambda s: s.exec(sa.select(1)))  # type: ignore[call-overload]
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised: health must answer
        checks["database"] = f"error: {type(exc).__name__}"
    checks["temporal"] = "ok" if await temporal_reachable(settings) else "unreachable"
    warnings = calendar_warnings(rules)
    checks["calendar"] = {"provisional_years": provisional_years(rules), "warnings": warnings}
    healthy = checks["database"] == "ok" and checks["temporal"] == "ok"
    if not healthy:
        response.status_code = 503
    return {"status": "ok" if healthy else "degraded", "env": settings.env, "checks": checks}
