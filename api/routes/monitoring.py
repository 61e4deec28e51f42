from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query

from api.deps import PrincipalDep, SessionDep
from api.errors import ApiError, forbidden, refusals
from domain.access import can_oversee, oversight_region
from domain.errors import Code
from domain.monitoring import NotScoped, figures_within
from store import monitoring as store_monitoring

router = APIRouter(prefix="/api/v1", tags=["monitoring"])


@router.get("/monitoring/daily", responses=refusals(Code.FORBIDDEN, Code.NOT_COMPUTED))
def daily(principal: PrincipalDep, session: SessionDep, day: date = Query(alias="date")) -> dict[str, Any]:
    """The day's figures kept by the daily sweep: stock in publicity (by kind, severity, authority, city),
    increment, records becoming eligible within the reminder window, reminders sent, applications filed
    within the follow-up days of a reminder, and what the sweep ended or reported. A supervisor gets the
    same figures for their region and below (from the per-authority breakdown of the same snapshot)."""
    if not can_oversee(principal):
        raise forbidden("只有管理、督办和审计人员可以查看监测数据")
    row = store_monitoring.get_figures(session, day)
    if row is None:
        raise ApiError(Code.NOT_COMPUTED, f"{day.isoformat()} 的监测数据尚未生成（每日扫描后生成）")
    figures = row.figures
    region = oversight_region(principal)
    if region is not None:  # their region and below, never the province's totals
        try:
            figures = figures_within(figures, region)
        except NotScoped:
            raise ApiError(Code.NOT_COMPUTED,
                           f"{day.isoformat()} 的分地区监测数据未生成（该日数据早于分地区统计）") from None
    return {"date": day.isoformat(), "computed_at": row.computed_at.isoformat(), **figures}
