"""The browser session: a token signed by xiufu for the pages (audience `xiufu-pages`) carrying the same
principal the API's bearer tokens carry, kept in an HttpOnly, SameSite cookie, and a CSRF token bound to
it for every form.

A signed token (not a server-side session id) means a restart or another API replica loses no sign-in,
and the pages authorise the same principal with the same rules as the API. The CSRF token is an HMAC of
the session (OWASP's signed double-submit): a forged form from another site cannot know it, and there is
nothing to store. Before sign-in the CSRF token is bound to a random cookie of its own, so the login form
is protected too (login CSRF)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from fastapi import Request, Response

from api.auth import check_principal
from api.errors import forbidden
from config.settings import Settings
from domain.access import Principal, can_apply_for, can_file_at_counter, has_own_subject
from domain.errors import DomainError
from domain.identifiers import normalize_id
from domain.model import Role
from domain.text import invalid_text
from store import sessions as store_sessions
from store.db import engine_for, session_scope

SESSION_COOKIE = "xiufu_session"
ANON_COOKIE = "xiufu_anon"


class LoginRequired(Exception):
    """Raised by a page that needs a signed-in user; answered with a redirect to /login."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfRefused(Exception):
    """A form without the CSRF token of this session: refused with 403 and nothing done."""


PAGE_AUDIENCE = "xiufu-pages"


def session_token(settings: Settings, p: Principal, ttl_hours: int | None = None) -> str:
    """The page session, signed by xiufu whatever signed the credential it was opened with (a pasted API
    token, the identity service's ID token, a demo identity): one format to check on every page."""
    check_principal(p)
    now = datetime.now(UTC)
    claims: dict[str, Any] = {"iss": settings.jwt_issuer, "aud": PAGE_AUDIENCE, "sub": p.sub, "role": p.role.value,
                              "iat": now, "exp": now + timedelta(hours=ttl_hours or settings.token_ttl_hours),
                              "jti": secrets.token_urlsafe(18)}  # what a logout revokes
    claims.update({name: getattr(p, name) for name in ("authority", "subject", "region", "name") if getattr(p, name)})
    return jwt.encode(claims, settings.secret_key, algorithm="HS256")


def _claims(request: Request, settings: Settings) -> dict[str, Any] | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        return jwt.decode(token, settings.secret_key, algorithms=["HS256"], audience=PAGE_AUDIENCE,
                          issuer=settings.jwt_issuer, options={"require": ["exp", "sub", "jti"]})
    except jwt.PyJWTError:
        return None


def principal_of(request: Request, settings: Settings) -> Principal | None:
    """The signed-in principal, or None for no session, a bad or expired one, or one ended by logout. Read
    once per request (a page asks several times: the navigation, the CSRF anchor, the route)."""
    cache = request.scope.setdefault("state", {})
    if "xiufu_principal" not in cache:
        cache["xiufu_principal"] = _principal(request, settings)
    found: Principal | None = cache["xiufu_principal"]
    return found


def _principal(request: Request, settings: Settings) -> Principal | None:
    claims = _claims(request, settings)
    if claims is None or invalid_text(claims):
        return None
    try:
        principal = Principal(sub=str(claims["sub"]), role=Role(claims["role"]), authority=claims.get("authority"),
                              subject=claims.get("subject"), region=claims.get("region"), name=claims.get("name"))
        check_principal(principal)
    except (KeyError, ValueError, DomainError):
        return None
    with session_scope(engine_for(settings.db_url)) as session:
        if store_sessions.is_revoked(session, str(claims["jti"])):
            return None
    return principal


def require_principal(request: Request, settings: Settings) -> Principal:
    found = principal_of(request, settings)
    if found is None:
        raise LoginRequired(str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
    return found


def csrf_anchor(request: Request, settings: Settings) -> str:
    """The session a form's token is bound to: the signed-in session when its cookie is still good, else the
    anonymous cookie. A stale session cookie (expired, signed with a rotated secret) anchors nothing: it
    must not lock its holder out of signing in again."""
    if principal_of(request, settings) is not None:
        return request.cookies.get(SESSION_COOKIE, "")
    return request.cookies.get(ANON_COOKIE) or ""


def stale_session(request: Request, settings: Settings) -> bool:
    """A session cookie that no longer opens anything, to be deleted with the next answer."""
    return bool(request.cookies.get(SESSION_COOKIE)) and principal_of(request, settings) is None


def csrf_token(settings: Settings, anchor: str) -> str:
    return hmac.new(settings.secret_key.encode(), b"csrf:" + anchor.encode(), hashlib.sha256).hexdigest()[:40]


def check_csrf(request: Request, settings: Settings, form: Any, signing_in: bool = False) -> None:
    """`signing_in`: the login forms, whose token is always bound to the anonymous cookie (the form was
    made for whoever opens it, signed in or not, with a good or a stale session cookie)."""
    anchor = request.cookies.get(ANON_COOKIE, "") if signing_in else csrf_anchor(request, settings)
    sent = str(form.get("csrf", ""))
    if not anchor or not hmac.compare_digest(sent, csrf_token(settings, anchor)):
        raise CsrfRefused()


def anon_anchor(request: Request) -> tuple[str, bool]:
    """The anchor of the login form's CSRF token before anyone signs in; True when it is new and must be
    set as a cookie with the response (`keep_anon`)."""
    anchor = request.cookies.get(ANON_COOKIE)
    return (anchor, False) if anchor else (secrets.token_urlsafe(24), True)


def keep_anon(response: Response, anchor: str, settings: Settings) -> None:
    _set(response, ANON_COOKIE, anchor, settings, max_age=3600)


def sign_in(response: Response, principal: Principal, settings: Settings) -> None:
    token = session_token(settings, principal)
    _set(response, SESSION_COOKIE, token, settings, max_age=settings.token_ttl_hours * 3600)
    response.delete_cookie(ANON_COOKIE, path="/")


def sign_out(response: Response, request: Request | None = None, settings: Settings | None = None) -> None:
    """Deletes the cookie and, given the request, ends its session for good: the token is signed and a copy
    of the cookie (another tab, a stolen one) would open the pages until it expires."""
    response.delete_cookie(SESSION_COOKIE, path="/")
    if request is None or settings is None:
        return
    claims = _claims(request, settings)
    if claims is not None:
        expires = datetime.fromtimestamp(int(claims["exp"]), UTC)
        with session_scope(engine_for(settings.db_url)) as session:
            store_sessions.revoke(session, str(claims["jti"]), expires, datetime.now(UTC))
        request.scope.setdefault("state", {})["xiufu_principal"] = None


def _set(response: Response, name: str, value: str, settings: Settings, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=settings.env == "production")


def applicant_signed_in(request: Request, settings: Settings) -> tuple[Principal, str]:
    """The enterprise (or person) signed in for itself, with its own subject key: the /my forms."""
    me = require_principal(request, settings)
    if not has_own_subject(me) or me.subject is None:
        raise forbidden("该页面仅供申请人使用")
    return me, me.subject


def clerk_for(request: Request, settings: Settings, subject: str) -> tuple[Principal, str]:
    """A counter clerk signed in, for the walk-in subject it serves: the /window forms."""
    me = require_principal(request, settings)
    if not can_file_at_counter(me):
        raise forbidden("该页面仅供政务服务中心窗口工作人员使用")
    key = normalize_id(subject.strip())
    if not can_apply_for(me, key):
        raise forbidden()
    return me, key
