"""Mounts the pages on the API's FastAPI app: the routers, the stylesheet, and the answers a browser
needs instead of JSON (a sign-in redirect, an error page in Chinese)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from api.web import (
    applicant,
    imports,
    objections,
    oidc,
    oversight,
    payments,
    public,
    reopened,
    restructurings,
    sync,
    window,
    workbench,
)
from api.web.headers import PageHeaders
from api.web.render import TEMPLATES, page
from api.web.session import CsrfRefused, LoginRequired, principal_of
from config.settings import get_settings
from domain.errors import Code

HEADINGS = {401: "请先登录", 403: "无权访问", 404: "页面不存在", 405: "无法打开该页面", 409: "无法办理",
            413: "文件过大", 422: "无法办理", 429: "操作过于频繁", 500: "系统出错", 503: "服务暂时不可用"}


def is_page(request: Request) -> bool:
    return is_page_path(request.url.path)


def is_page_path(path: str) -> bool:
    return not (path.startswith("/api/") or path in ("/healthz", "/docs", "/openapi.json", "/redoc"))


def error_page(request: Request, status: int, code: str, message: str) -> Response:
    """The message in Chinese first and the code after it (for a call to 12345), then the ways back that fit
    the one who is lost: their own start page by role, the page they came from (same site only), sign-in."""
    settings = get_settings()
    return page(request, settings, "error.html", principal_of(request, settings), status=status,
                heading=HEADINGS.get(status, "出错了"), code=code, message=message, back=came_from(request),
                http_status=status)


def came_from(request: Request) -> str:
    """The page the person came from, as a path on this site (never another site's address: an open redirect
    in a link), or "" when unknown or it is the page that failed."""
    from urllib.parse import urlsplit

    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/") or referer.path.startswith("//"):
        return ""
    back = referer.path + (f"?{referer.query}" if referer.query else "")
    return "" if referer.path == request.url.path else back


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=TEMPLATES / "static"), name="static")
    settings = get_settings()
    app.add_middleware(PageHeaders, settings=settings, is_page_path=is_page_path)
    if settings.oidc_issuer:
        # authlib keeps the OIDC state, nonce and PKCE verifier of a sign-in in progress here, for 10 minutes
        app.add_middleware(SessionMiddleware, secret_key=settings.secret_key, session_cookie="xiufu_oidc",
                           max_age=600, same_site="lax", https_only=settings.env == "production")
    for module in (public, oidc, applicant, objections, restructurings, window, workbench, oversight, reopened, imports,
                   payments, sync):
        app.include_router(module.router)

    @app.exception_handler(LoginRequired)
    async def _login(_: Request, exc: LoginRequired) -> Response:
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(exc.next_url)}", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, _: CsrfRefused) -> Response:
        return error_page(request, 403, Code.CSRF_REFUSED, "表单已过期或来源不明，请返回上一页刷新后重新提交")
