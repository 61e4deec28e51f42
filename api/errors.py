"""Every refusal leaves as the same JSON shape: a stable `code` for systems, a Chinese `message` for
people, and the details. This is the one place that maps failures to HTTP statuses."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import DomainError
from domain.text import invalid_text

log = logging.getLogger("xiufu.api")

# Codes whose status is not 422 (a rule refused the content).
STATUS = {
    "UNAUTHENTICATED": 401,
    "INVALID_TOKEN": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "RECORD_CONFLICT": 409,
    "CASE_OPEN": 409,
    "CASE_DECIDED": 409,
    "ACTION_NOT_ALLOWED": 409,
    "NOT_OVERDUE": 409,
    "EXTENSION_USED": 409,
    "TEMPORAL_UNAVAILABLE": 503,
    "LETTER_NOT_READY": 503,
    "MATERIAL_TOO_LARGE": 413,
    "NOT_APPROVED": 409,
    "DECISION_NOT_READY": 503,
    "TOKEN_SCOPE_MISSING": 401,
    "INTERNAL_ERROR": 500,
    "TOO_MANY_ATTEMPTS": 429,
}

FIELD_MESSAGES = {
    "kind": (
        "INVALID_KIND",
        "失信信息类别须为 penalty(行政处罚)、abnormal_list(经营异常名录)或 serious_list(严重失信主体名单)",
    ),
    "severity": ("INVALID_SEVERITY", "严重程度须为 minor(轻微)、general(一般)或 serious(严重)"),
    "decided_on": ("INVALID_DATE", "决定日期格式应为 YYYY-MM-DD"),
    "record_no": ("INVALID_RECORD_NO", "决定文书号不能为空"),
    "issuer": ("INVALID_ISSUER", "认定单位编码不能为空"),
    "fine_amount": ("INVALID_AMOUNT", "罚款金额须为不小于零的数字"),
    "action": ("INVALID_ACTION", "不支持的办理操作"),
    "record_ids": ("INVALID_RECORD_IDS", "请至少选择一条失信信息"),
    "records": ("INVALID_BATCH", "批量登记每次须为 1 至 1000 条"),
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def not_found(what: str = "资源") -> ApiError:
    return ApiError(404, "NOT_FOUND", f"{what}不存在或无权查看")


def forbidden(message: str = "无权进行此操作") -> ApiError:
    return ApiError(403, "FORBIDDEN", message)


def body(code: str, message: str, **details: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code, "message": message}
    if details:
        out["details"] = details
    return out


def field_error(err: dict[str, Any]) -> dict[str, str]:
    loc = [str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path")]
    field = ".".join(loc)
    kind = err.get("type", "")
    if kind.isupper():  # PydanticCustomError raised by our validators: its type is our code
        return {"field": field, "code": kind, "message": err.get("msg", "")}
    leaf = next((x for x in reversed(loc) if not x.isdigit()), field)
    if kind == "missing":
        return {"field": field, "code": "MISSING_FIELD", "message": f"缺少必填项 {field}"}
    code, message = FIELD_MESSAGES.get(leaf, ("INVALID_FIELD", f"{field or '请求'}格式不正确"))
    return {"field": field, "code": code, "message": message}


def plain_request(request: Request) -> None:
    """The path and the query are text like any field: a NUL or a lone surrogate in `?state=` or a path id
    is refused here (an app-wide dependency), before any route takes it to the store."""
    if invalid_text(request.url.path) or invalid_text(list(request.query_params.multi_items())):
        raise ApiError(422, "INVALID_TEXT", "请求地址含有控制字符或无效字符")
    if invalid_text(list(request.path_params.values())):
        raise ApiError(422, "INVALID_TEXT", "请求地址含有控制字符或无效字符")


def status_of(failure: ApiError | DomainError) -> int:
    return failure.status if isinstance(failure, ApiError) else STATUS.get(failure.code, 422)


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

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> Response:
        return answer(request, exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> Response:
        return answer(request, status_of(exc), exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [field_error(e) for e in exc.errors()]
        first = errors[0] if errors else {"code": "INVALID_REQUEST", "message": "请求格式不正确"}
        return JSONResponse(
            {"code": first["code"], "message": first["message"], "errors": errors}, status_code=422
        )

    @app.exception_handler(Exception)
    async def _last_resort(request: Request, exc: Exception) -> Response:
        # Logged with the path only (never the body or the query, which carry personal data); the log
        # formatter masks ID numbers and phones in the traceback too (config/logs.py).
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path, exc_info=exc)
        return answer(request, 500, "INTERNAL_ERROR", "系统内部错误,请稍后重试;如仍有问题请联系12345热线", {})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {401: ("UNAUTHENTICATED", "请先登录"), 404: ("NOT_FOUND", "资源不存在"),
                 405: ("METHOD_NOT_ALLOWED", "不支持该请求方法")}
        code, message = codes.get(exc.status_code, ("HTTP_ERROR", str(exc.detail)))
        if getattr(exc, "code", None):  # ours, raised below the routes (api/limits.TooLarge)
            code, message = exc.code, str(exc.detail)  # type: ignore[attr-defined]
        if page is not None and page[0](request):
            return page[1](request, exc.status_code, code, message)
        return JSONResponse(body(code, message), status_code=exc.status_code, headers=exc.headers)

    return lambda request, status, code, message: answer(request, status, code, message, {})
