"""Bodies refused before they are read: too large, or sent by a caller who is not signed in.

FastAPI reads and parses a body before it resolves a route's dependencies, so the authentication
dependency alone would let an anonymous caller make the server spool a 150 MB upload, or parse a 20 MB
JSON document, before answering 401. This ASGI middleware runs first: a declared length past the route's
limit is refused at once, a body that grows past it while streaming is cut off, and an API write
without a valid bearer token is answered 401 before a byte of its body is taken."""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import checked_token
from api.errors import ApiError
from api.throttle import client_of
from config.settings import Settings
from domain.errors import Code, DomainError
from domain.materials import UploadRules, upload_refusal

READS = {"GET", "HEAD", "OPTIONS"}
UPLOAD_OVERHEAD = 64 * 1024  # the multipart framing and the form's other fields around one file

Answer = Callable[[Request, int, str, str], Response]


class TooLarge(HTTPException):
    """Raised from `receive` while FastAPI reads the body (it lets HTTPExceptions through unchanged)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(413, detail=message)
        self.code = code


def limit_of(path: str, settings: Settings, uploads: UploadRules) -> tuple[int, str, str]:
    """The largest body a path takes, and the code and message of its refusal."""
    if path == "/api/v1/materials":
        refused = upload_refusal(None, uploads.max_bytes + 1, uploads)
        assert refused is not None
        return (uploads.max_bytes + UPLOAD_OVERHEAD, *refused)
    if path == "/api/v1/records/batch":
        return settings.max_batch_body_bytes, Code.BODY_TOO_LARGE, "批量登记的请求过大，请分批提交（每次至多1000条）"
    if not path.startswith("/api/"):
        mb = settings.max_form_body_bytes // (1024 * 1024)
        return (settings.max_form_body_bytes, Code.BODY_TOO_LARGE,
                f"一次提交的内容（含材料）合计不能超过{mb}MB，请分次提交")
    return settings.max_body_bytes, Code.BODY_TOO_LARGE, "请求内容过大"


class BodyLimit:
    def __init__(self, app: ASGIApp, settings: Settings, uploads: UploadRules, answer: Answer) -> None:
        self.app, self.settings, self.uploads, self.answer = app, settings, uploads, answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in READS:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        headers = Headers(scope=scope)
        if path.startswith("/api/"):
            refused = self._unauthenticated(headers, client_of(scope))
            if refused is not None:
                await self.answer(Request(scope), *refused)(scope, receive, send)
                return
        limit, code, message = limit_of(path, self.settings, self.uploads)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await self.answer(Request(scope), 413, code, message)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message_in = await receive()
            if message_in["type"] == "http.request":
                received += len(message_in.get("body", b""))
                if received > limit:
                    raise TooLarge(code, message)
            return message_in

        await self.app(scope, counted, send)

    def _unauthenticated(self, headers: Headers, client: str) -> tuple[int, str, str] | None:
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            return 401, Code.UNAUTHENTICATED, "请先登录（缺少 Authorization: Bearer 令牌）"
        try:
            checked_token(self.settings, credentials.strip(), client)
        except ApiError as refused:  # throttled
            return refused.status, refused.code, refused.message
        except DomainError as refused:
            return 401, refused.code, refused.message
        return None
