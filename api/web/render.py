"""One Jinja2 environment for the pages (autoescaped: a subject's name is untrusted input), and what every
page gets: the signed-in principal, its CSRF token and the navigation of its role."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from api.present import authority_name, penalty_line
from api.web.session import csrf_anchor, csrf_token
from config.rules import rules_for
from config.settings import Settings
from domain import query_code
from domain.access import Principal, can_see_sync
from domain.clock import beijing_date, beijing_time, chinese_date
from domain.identifiers import shown_subject_key
from domain.model import KIND_LABELS, RECORD_STATE_LABELS, ROLE_LABELS, SECTOR_LABELS, SEVERITY_LABELS, Role
from domain.transitions import ACTION_LABELS, OTHER_ACTION_LABELS, STATE_LABELS

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"

NAV = {
    Role.APPLICANT: [("/my", "我的信用信息")],
    Role.WINDOW: [("/window", "窗口代办")],
    Role.CASEWORKER: [("/workbench", "待办事项")],
    Role.INTEGRATOR: [("/import", "批量登记")],
    Role.SUPERVISOR: [("/supervision", "督办"), ("/workbench", "事项列表"), ("/audit", "办理历史")],
    Role.AUDITOR: [("/supervision", "事项总览"), ("/workbench", "事项列表"), ("/audit", "办理历史")],
    Role.ADMIN: [("/supervision", "事项总览"), ("/workbench", "事项列表"), ("/audit", "办理历史")],
}


def _day(value: date | datetime | None) -> str:
    """A date, or the Beijing day of an instant (naive = UTC, as everywhere: domain/clock.py)."""
    if value is None:
        return ""
    return chinese_date(beijing_date(value) if isinstance(value, datetime) else value)


def _moment(value: datetime | None) -> str:
    """An instant on Beijing's clock, to the minute (naive = UTC)."""
    if value is None:
        return ""
    local = beijing_time(value)
    return f"{chinese_date(local.date())} {local:%H:%M}"


def _field_value(value: str | None, field: str) -> str:
    """A record's field as people read it (an objection's claim, a correction's old and new value): a fine as
    "20,000.00 元"; a claim that is not an amount as the subject wrote it."""
    if value is None or value == "":
        return "未登记"
    if field == "fine_amount":
        try:
            return f"{Decimal(value):,.2f} 元"
        except InvalidOperation:
            return value
    return value


def _label(table: dict[Any, str]) -> Any:
    return lambda value: table.get(value, value) if value is not None else ""


@lru_cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES / "pages"),
                             autoescape=jinja2.select_autoescape(default=True), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update(penalty=lambda r: penalty_line(r.penalty_types, r.fine_amount),
                       day=_day, moment=_moment, field_value=_field_value, subject_id=shown_subject_key,
                       query_code=query_code.shown,
                       kind=_label({k.value: v for k, v in KIND_LABELS.items()}),
                       severity=_label({k.value: v for k, v in SEVERITY_LABELS.items()}),
                       sector=_label({k.value: v for k, v in SECTOR_LABELS.items()}),
                       record_state=_label({k.value: v for k, v in RECORD_STATE_LABELS.items()}),
                       case_state=_label({k.value: v for k, v in STATE_LABELS.items()}),
                       action=_label({k.value: v for k, v in ACTION_LABELS.items()} | OTHER_ACTION_LABELS),
                       role=_label({k.value: v for k, v in ROLE_LABELS.items()}))
    return env


def nav_of(principal: Principal | None) -> list[tuple[str, str]]:
    if principal is None:
        return []
    return NAV.get(principal.role, []) + ([("/sync", "对账")] if can_see_sync(principal) else [])


def page(request: Request, settings: Settings, template: str, principal: Principal | None = None,
         status: int = 200, anchor: str | None = None, **context: Any) -> HTMLResponse:
    """`anchor`: the CSRF anchor when the response itself sets it (the first visit to /login)."""
    rules = rules_for(settings.config_dir)
    html = environment().get_template(template).render(
        request=request, me=principal, authority_label=lambda code: authority_name(rules, code),
        track_named=rules.policy.track_named,
        nav=nav_of(principal),
        upload_mb=rules.policy.uploads.max_bytes // (1024 * 1024),
        csrf=csrf_token(settings, anchor or csrf_anchor(request, settings)), dev=settings.env != "production",
        failed=status >= 400, **context)
    return HTMLResponse(html, status_code=status)


def fragment(template: str, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    """A piece of a page, fetched by the page's script to refresh itself (never cached: it is progress)."""
    html = environment().get_template(template).render(**context)
    return HTMLResponse(html, headers={"Cache-Control": "no-store", **(headers or {})})
