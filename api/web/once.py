"""A one-time notice after a form (post/redirect/get): the POST answers 303 with a short-lived cookie naming
what happened, the GET it leads to shows the notice and clears the cookie. Reloading the page, or coming
back to it later, then shows the page as it is, not "办理决定已提交" again, which a notice carried in the
query string (`?decided=1`) would show on every reload without JavaScript. The texts are the progress
page's (api/web/progress.FLASH), so one thing done reads the same everywhere."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from api.web.progress import FLASH
from config.settings import Settings

COOKIE = "xiufu_once"


def redirect_with(url: str, key: str, settings: Settings) -> RedirectResponse:
    """303 to `url`, leaving the notice `key` (a key of FLASH) for that page alone to show once."""
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(COOKIE, key, max_age=120, path=url.split("?")[0], httponly=True, samesite="lax",
                        secure=settings.env == "production")
    return response


def notice(request: Request) -> str:
    """The notice left for this page, if any (an unknown key shows nothing: the cookie is the caller's)."""
    return FLASH.get(request.cookies.get(COOKIE, ""), "")


def shown(request: Request, response: Response, settings: Settings) -> Response:
    """Clears the notice once the page carrying it has been answered."""
    if COOKIE in request.cookies:
        response.delete_cookie(COOKIE, path=request.url.path, httponly=True, samesite="lax",
                               secure=settings.env == "production")
    return response
