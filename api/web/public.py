"""The public page (what can be repaired, when, how) and signing in and out.

Every number on `/` comes from config/policy.yaml and config/letters.yaml, the files the workflows read:
a province that changes a period changes the page with it."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import RulesDep, SettingsDep, checked_token
from api.errors import ApiError
from api.throttle import client_of
from api.web.demo import demo_identities, find_demo
from api.web.render import page
from api.web.session import anon_anchor, check_csrf, keep_anon, principal_of, sign_in, sign_out, stale_session
from config.loader import load_letter_texts
from config.settings import Settings
from domain.access import Principal
from domain.errors import DomainError
from domain.model import Role, Severity

router = APIRouter(include_in_schema=False)

HOME_OF = {Role.APPLICANT: "/my", Role.WINDOW: "/window", Role.CASEWORKER: "/workbench", Role.INTEGRATOR: "/import",
           Role.SUPERVISOR: "/supervision", Role.AUDITOR: "/supervision", Role.ADMIN: "/supervision"}


def months(n: int) -> str:
    if n == 0:
        return "不设最短期限"
    return f"{n // 12} 年" if n % 12 == 0 else f"{n} 个月"


@router.get("/", response_class=HTMLResponse)
def home(request: Request, rules: RulesDep, settings: SettingsDep) -> Response:
    policy = rules.policy
    periods = [(s.value, policy.periods[s]) for s in Severity if s in policy.periods]
    return page(request, settings, "home.html", principal_of(request, settings), periods=periods,
                overrides=policy.overrides, limits=policy.time_limits, tracks=policy.all_tracks, months=months,
                texts=load_letter_texts(settings.config_dir))


def safe_next(value: str | None) -> str:
    """Only a path on this site: an open redirect after login would hand the session to a phishing page."""
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return ""
    return value


def _login_page(request: Request, settings: Settings, next_url: str, token: str = "", error: str = "",
                status: int = 200) -> Response:
    anchor, new = anon_anchor(request)
    response = page(request, settings, "login.html", None, status=status, anchor=anchor, next=next_url,
                    token=token, error=error, demos=demo_identities(settings), oidc=bool(settings.oidc_issuer))
    if new:
        keep_anon(response, anchor, settings)
    if stale_session(request, settings):
        sign_out(response)
    return response


def signed_in(principal: Principal, next_url: str, settings: Settings) -> Response:
    response = RedirectResponse(next_url or HOME_OF.get(principal.role, "/"), status_code=303)
    sign_in(response, principal, settings)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, settings: SettingsDep, next: str | None = None) -> Response:
    return _login_page(request, settings, safe_next(next))


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, settings: SettingsDep) -> Response:
    """A token printed by `xiufu token` (development and test; production signs in through OIDC)."""
    form = await request.form()
    check_csrf(request, settings, form, signing_in=True)
    next_url = safe_next(str(form.get("next", "")))
    token = str(form.get("token", "")).strip()
    if settings.env == "production":
        return _login_page(request, settings, next_url, error="生产环境请通过统一身份认证登录", status=403)
    if not token:
        return _login_page(request, settings, next_url, error="请粘贴访问令牌", status=422)
    try:
        principal = checked_token(settings, token, client_of(request))
    except ApiError as throttled:
        response = _login_page(request, settings, next_url, error=throttled.message, status=throttled.status)
        response.headers["Retry-After"] = str(throttled.details["retry_after_s"])
        return response
    except DomainError as refused:
        return _login_page(request, settings, next_url, token=token, error=refused.message, status=422)
    return signed_in(principal, next_url, settings)


@router.post("/login/demo", response_class=HTMLResponse)
async def login_demo(request: Request, settings: SettingsDep) -> Response:
    """One of the demo identities of config/demo.yaml, only in development."""
    form = await request.form()
    check_csrf(request, settings, form, signing_in=True)
    demo = find_demo(settings, str(form.get("demo", "")))
    if demo is None:
        return _login_page(request, settings, "", error="演示身份仅在开发模式下提供", status=403)
    return signed_in(demo.principal, "", settings)


@router.post("/logout")
async def logout(request: Request, settings: SettingsDep) -> Response:
    form = await request.form()
    check_csrf(request, settings, form)
    response = RedirectResponse("/", status_code=303)
    await run_in_threadpool(sign_out, response, request, settings)
    return response
