"""The proof a counter clerk carries from a query-code lookup to what they do next for that application (see
it again, answer a supplement on the applicant's behalf): domain.access.counter_may_act_for says why a
clerk needs one.

A grant is `<expiry>.<HMAC>` over this clerk, this browser session (its cookie) and this application,
signed with the server's secret and a purpose of its own, so it is worth nothing in another session (a
colleague's, a copied link), for another application, or after `GRANT_TTL`. It is stateless: nothing to
store or sweep, and a logout ends it with the session it is bound to. The clerk's page carries it in a
hidden field or its query string; the cookie it is bound to never leaves the browser.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from fastapi import Request

from api.web.session import SESSION_COOKIE
from config.settings import Settings
from domain.access import Principal

GRANT_TTL = timedelta(minutes=30)  # one visit to the counter; a later one looks the application up again
_PURPOSE = b"counter-grant:"


def _mac(settings: Settings, request: Request, me: Principal, application_id: str, expires: int) -> str:
    session = hashlib.sha256(request.cookies.get(SESSION_COOKIE, "").encode()).hexdigest()
    message = "\0".join((me.sub, session, application_id, str(expires))).encode()
    return hmac.new(settings.secret_key.encode(), _PURPOSE + message, hashlib.sha256).hexdigest()[:40]


def grant(settings: Settings, request: Request, me: Principal, application_id: str, now: datetime) -> str:
    """Issued only after the query code and the phone's last digits matched (services/lookup.py)."""
    expires = int((now + GRANT_TTL).timestamp())
    return f"{expires}.{_mac(settings, request, me, application_id, expires)}"


def vouched_for(settings: Settings, request: Request, me: Principal, application_id: str, token: str,
                now: datetime) -> str | None:
    """The application the grant vouches for, or None (forged, for another application, session or clerk,
    or expired)."""
    expires, _, mac = token.partition(".")
    if not expires.isascii() or not expires.isdigit() or int(expires) < now.timestamp():
        return None
    if not mac.isascii() or not request.cookies.get(SESSION_COOKIE):
        return None
    good = _mac(settings, request, me, application_id, int(expires))
    return application_id if hmac.compare_digest(mac, good) else None
