"""The security headers of every page: what the browser may load (our own scripts and styles only, as
the pages have no inline script or style), who may frame the pages (nobody by default; the embeddable
guides of a later issue set XIUFU_FRAME_ANCESTORS deliberately), and no application id leaking to another
site through the Referer."""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config.settings import Settings


def page_headers(settings: Settings) -> dict[str, str]:
    ancestors = settings.frame_ancestors
    return {
        "Content-Security-Policy": "; ".join([
            "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
            "object-src 'none'", "base-uri 'none'", "form-action 'self'", f"frame-ancestors {ancestors}",
        ]),
        "X-Frame-Options": "DENY" if ancestors == "'none'" else "",
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
    }


class PageHeaders:
    def __init__(self, app: ASGIApp, settings: Settings, is_page_path: Callable[[str], bool]) -> None:
        self.app = app
        self.headers = {k: v for k, v in page_headers(settings).items() if v}
        self.is_page_path = is_page_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.is_page_path(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)
