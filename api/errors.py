"""Every refusal leaves as the same JSON shape: a stable `code` for systems, a Chinese `message` for
people, and the details. The codes, their kinds and messages are domain/errors.py's catalogue; this is the
one place that turns a kind into an HTTP status, and that tells the OpenAPI which codes each operation
can answer (`refusals`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from domain.errors import CATALOGUE, Code, DomainError, Refusal
from domain.text import invalid_text

log = logging.getLogger("xiufu.api")

STATUS_OF = {
    Refusal.UNAUTHENTICATED: 401,
    Refusal.FORBIDDEN: 403,
    Refusal.NOT_FOUND: 404,
    Refusal.CONFLICT: 409,
    Refusal.TOO_LARGE: 413,
    Refusal.INVALID: 422,
    Refusal.THROTTLED: 429,
    Refusal.UNAVAILABLE: 503,
    Refusal.INTERNAL: 500,
}
REASON = {401: "未登录或凭证无效", 403: "无权进行此操作", 404: "不存在或无权查看", 405: "不支持该请求方法",
          409: "当前状态不允许", 413: "请求内容过大", 422: "内容不符合规则", 429: "尝试次数过多",
          500: "系统内部错误", 503: "依赖的服务暂不可用，请稍后重试"}
# The field whose validation error becomes which code (pydantic's own errors carry no code of ours).
FIELD_CODES = {CATALOGUE[c].field: c for c in (
    Code.INVALID_KIND, Code.INVALID_SEVERITY, Code.INVALID_DATE, Code.INVALID_RECORD_NO, Code.INVALID_ISSUER,
    Code.INVALID_AMOUNT, Code.INVALID_ACTION, Code.INVALID_RECORD_IDS, Code.INVALID_BATCH)}


def status_of(failure: DomainError | Code) -> int:
    """The HTTP status a refusal is answered with."""
    code = failure.code if isinstance(failure, DomainError) else failure
    if code is Code.METHOD_NOT_ALLOWED:
        return 405
    return STATUS_OF[CATALOGUE[code].refusal]


class ApiError(DomainError):
    """A refusal made by the API itself (not found, forbidden, a service down), as DomainError is by the
    rules: the same catalogue, the same handler."""

    @property
    def status(self) -> int:
        return status_of(self)


def not_found(what: str = "资源") -> ApiError:
    return ApiError(Code.NOT_FOUND, f"{what}不存在或无权查看")


def forbidden(message: str | None = None) -> ApiError:
    return ApiError(Code.FORBIDDEN, message)


def body(code: str, message: str, **details: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "message": message}
    if details:
        out["details"] = details
    return out


class FieldError(BaseModel):
    field: str = Field(description="出错的字段（点分路径），整体错误为空")
    code: str
    message: str


class ErrorBody(BaseModel):
    """The one shape of every refusal."""

    code: str = Field(description="稳定的错误代码，供系统判断")
    message: str = Field(description="给人看的中文说明")
    details: dict[str, Any] | None = Field(default=None, description="与该错误相关的数据")
    errors: list[FieldError] | None = Field(default=None, description="逐字段的错误（请求内容校验未通过时）")


# What every authenticated operation can answer besides its own refusals.
AUTHENTICATED = (Code.UNAUTHENTICATED, Code.INVALID_TOKEN, Code.TOKEN_SCOPE_MISSING, Code.TOO_MANY_ATTEMPTS)
ALWAYS = (Code.INVALID_TEXT, Code.INVALID_REQUEST, Code.INTERNAL_ERROR)
WRITES = (Code.BODY_TOO_LARGE, Code.INVALID_FIELD, Code.MISSING_FIELD)


def refusals(*codes: Code, public: bool = False, write: bool = False) -> dict[int | str, dict[str, Any]]:
    """The `responses` of an operation: each status it can answer, with the error body's schema and the
    codes it carries under that status (so a generated client can parse every refusal)."""
    every: list[Code] = [*codes, *ALWAYS, *(() if public else AUTHENTICATED), *(WRITES if write else ())]
    by_status: dict[int, list[Code]] = {}
    for code in dict.fromkeys(every):
        by_status.setdefault(status_of(code), []).append(code)
    return {status: {"model": ErrorBody, "description": f"{REASON.get(status, '')}。错误代码："
                     + "、".join(f"`{c}`" for c in found)}
            for status, found in sorted(by_status.items())}


def field_error(err: dict[str, Any]) -> dict[str, str]:
    loc = [str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path")]
    field = ".".join(loc)
    kind = err.get("type", "")
    if kind.isupper():  # PydanticCustomError raised by our validators: its type is our code
        return {"field": field, "code": kind, "message": err.get("msg", "")}
    leaf = next((x for x in reversed(loc) if not x.isdigit()), field)
    if kind == "missing":
        return {"field": field, "code": Code.MISSING_FIELD, "message": f"缺少必填项 {field}"}
    code = FIELD_CODES.get(leaf)
    if code is None:
        return {"field": field, "code": Code.INVALID_FIELD, "message": f"{field or '请求'}格式不正确"}
    return {"field": field, "code": code, "message": CATALOGUE[code].message}


def plain_request(request: Request) -> None:
    """The path and the query are text like any field: a NUL or a lone surrogate in `?state=` or a path id
    is refused here (an app-wide dependency), before any route takes it to the store."""
    if invalid_text(request.url.path) or invalid_text(list(request.query_params.multi_items())) \
            or invalid_text(list(request.path_params.values())):
        raise ApiError(Code.INVALID_TEXT, "请求地址含有控制字符或无效字符")


def allowed_methods(app: FastAPI, request: Request) -> str:
    found: set[str] = set()
    for route in app.router.routes:
        if isinstance(route, Route) and route.matches(request.scope)[0] is not Match.NONE:
            found |= route.methods or set()
    return ", ".join(sorted(found))


PageAnswer = Callable[[Request, int, str, str], Response]


def install(app: FastAPI, page: tuple[Callable[[Request], bool], PageAnswer] | None = None) -> PageAnswer:
    """`page`: how to tell a browser page's request, and the HTML answer it gets instead of JSON. Answers
    the function that makes a refusal, for what refuses before the routes (api/limits.py)."""

    def answer(request: Request, status: int, code: str, message: str, details: dict[str, Any]) -> Response:
        if page is not None and page[0](request):
            response = page[1](request, status, code, message)
        else:
            response = JSONResponse(body(code, message, **details), status_code=status)
        if "retry_after_s" in details:
            response.headers["Retry-After"] = str(details["retry_after_s"])
        return response

    @app.exception_handler(DomainError)
    async def _refused(request: Request, exc: DomainError) -> Response:
        return answer(request, status_of(exc), exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [field_error(e) for e in exc.errors()]
        first = errors[0] if errors else {"code": Code.INVALID_REQUEST,
                                          "message": CATALOGUE[Code.INVALID_REQUEST].message}
        return JSONResponse(
            {"code": first["code"], "message": first["message"], "errors": errors}, status_code=422
        )

    @app.exception_handler(Exception)
    async def _last_resort(request: Request, exc: Exception) -> Response:
        # Logged with the path only (never the body or the query, which carry personal data); the log
        # formatter masks ID numbers and phones in the traceback too (config/logs.py).
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path, exc_info=exc)
        return answer(request, 500, Code.INTERNAL_ERROR, CATALOGUE[Code.INTERNAL_ERROR].message, {})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {401: Code.UNAUTHENTICATED, 404: Code.NOT_FOUND, 405: Code.METHOD_NOT_ALLOWED,
                 413: Code.BODY_TOO_LARGE}
        code = codes.get(exc.status_code, Code.INVALID_REQUEST)
        message = CATALOGUE[code].message
        if exc.status_code == 400:  # a body that cannot even be parsed (not UTF-8, not JSON): as any refused body
            return answer(request, 422, code, "请求内容无法解析（须为 UTF-8 编码的 JSON）", {})
        ours = getattr(exc, "code", None)  # raised below the routes (api/limits.TooLarge)
        if ours:
            code, message = ours, str(exc.detail)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only the first route's (Starlette's)
            headers["Allow"] = allowed_methods(app, request)
        if page is not None and page[0](request):
            answer_page = page[1](request, exc.status_code, code, message)
            answer_page.headers.update(headers)
            return answer_page
        return JSONResponse(body(code, message), status_code=exc.status_code, headers=headers)

    return lambda request, status, code, message: answer(request, status, code, message, {})


PDF: dict[str, Any] = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                       "description": "PDF 文件"}
