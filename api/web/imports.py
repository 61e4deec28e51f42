"""The issuer's integrator imports a filled spreadsheet on a page (批量登记): the template to download, one
file input, and the answer as a table, one line per row of the sheet. The same reading and registration as
POST /api/v1/records/import (api/routes/records.register_sheet); a plain multipart form, no script needed."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import RulesDep, SettingsDep, TemporalDep
from api.errors import forbidden
from api.routes.records import register_sheet
from api.sheets import MAX_FILE_BYTES, STATUS_LABELS, ImportResult
from api.uploads import clean_name, read_capped
from api.web.filing import uploads_in
from api.web.forms import refusal_status
from api.web.render import page
from api.web.session import check_csrf, require_principal
from config.settings import Settings
from domain.access import Principal
from domain.errors import DomainError
from domain.model import Role
from services import importing

router = APIRouter(include_in_schema=False)
TEMPLATE_NAME = "失信信息批量登记模板.xlsx"


def _integrator(request: Request, settings: Settings) -> Principal:
    me = require_principal(request, settings)
    if me.role is not Role.INTEGRATOR or not me.authority:
        raise forbidden("该页面仅供信息报送单位的对接人员使用")
    return me


def _page(request: Request, settings: Settings, me: Principal, error: str = "", result: ImportResult | None = None,
          filename: str = "", status: int = 200) -> Response:
    return page(request, settings, "import.html", me, status=status, error=error, result=result, filename=filename,
                max_rows=importing.MAX_ROWS, labels=STATUS_LABELS, columns=importing.COLUMNS)


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, settings: SettingsDep) -> Response:
    return _page(request, settings, _integrator(request, settings))


@router.get("/import/template.xlsx")
def import_template(request: Request, settings: SettingsDep, rules: RulesDep) -> Response:
    """The same template as GET /api/v1/records/import-template.xlsx, for the signed-in page session."""
    _integrator(request, settings)
    return Response(importing.template(rules.policy.penalty_types), media_type=importing.XLSX_TYPE, headers={
        "Content-Disposition": "attachment; filename=\"import-template.xlsx\"; "
                               f"filename*=UTF-8''{quote(TEMPLATE_NAME)}",
        "Cache-Control": "no-store"})


@router.post("/import", response_class=HTMLResponse)
async def import_sheet(request: Request, settings: SettingsDep, rules: RulesDep, temporal: TemporalDep) -> Response:
    me = _integrator(request, settings)
    form = await request.form()
    check_csrf(request, settings, form)
    uploads = uploads_in(form, "file")
    if not uploads:
        return _page(request, settings, me, error="请选择填好的导入文件（.xlsx）", status=422)
    filename = clean_name(uploads[0].filename)
    data, size = await read_capped(uploads[0], MAX_FILE_BYTES)
    if size > MAX_FILE_BYTES:
        return _page(request, settings, me, error="文件过大，请分成几个文件导入（每个文件至多1000行）",
                     filename=filename, status=413)
    try:
        result = await register_sheet(data, me.authority, me, rules, settings, temporal)
    except DomainError as refused:
        if refusal_status(refused) in (403, 404):
            raise
        return _page(request, settings, me, error=refused.message, filename=filename, status=refusal_status(refused))
    return _page(request, settings, me, result=result, filename=filename)
