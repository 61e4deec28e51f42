from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Form, UploadFile
from fastapi.responses import Response
from sqlmodel import Session

from api.deps import PrincipalDep, RulesDep, SessionDep, SettingsDep
from api.errors import forbidden, not_found, refusals
from api.schemas import MaterialPublic
from api.uploads import clean_name, judge, keep_upload, read_capped
from config.settings import Settings
from domain.access import Principal, can_apply_for
from domain.errors import Code, DomainError
from domain.identifiers import checked_subject
from services.visibility import visible_case
from store import cases as store_cases
from store import materials as store_materials
from store.materials import blob_path

router = APIRouter(prefix="/api/v1", tags=["materials"])


@router.post("/materials", response_model=MaterialPublic, status_code=201, responses=refusals(
    Code.FORBIDDEN, Code.INVALID_SUBJECT, Code.MATERIAL_TYPE, Code.MATERIAL_EMPTY, Code.MATERIAL_TOO_LARGE, write=True))
async def upload_material(file: UploadFile, subject: str = Form(...), *, principal: PrincipalDep, rules: RulesDep,
                          settings: SettingsDep) -> MaterialPublic:
    """Upload one material (PDF, JPG or PNG by content, at most 10 MB as configured) for a subject the caller
    may apply for; name its id in `materials` when filing (POST /applications) or supplementing. A refused
    upload (422 MATERIAL_TYPE, MATERIAL_TOO_LARGE, MATERIAL_EMPTY) stores nothing."""
    key = check_uploader(principal, subject)
    data, size = await read_capped(file, rules.policy.uploads.max_bytes)
    content_type = judge(data, size, rules)
    name = clean_name(file.filename)
    return await keep_upload(settings, principal, key, name, data, content_type)


def check_uploader(principal: Principal, subject: str) -> str:
    key = checked_subject(subject)
    if not can_apply_for(principal, key):
        raise forbidden("只能为本主体上传材料（窗口可代办）")
    return key


@router.get("/materials/{material_id}", response_class=Response, responses={
    200: {"content": {t: {"schema": {"type": "string", "format": "binary"}} for t in ("application/pdf", "image/jpeg",
                                                                                  "image/png")},
          "description": "材料文件"}, **refusals(Code.NOT_FOUND)})
def download_material(material_id: str, principal: PrincipalDep, settings: SettingsDep,
                      session: SessionDep) -> Response:
    """The file, for whoever may see its case (and the uploader before it is attached); others 404."""
    return material_response(session, settings, principal, material_id)


def _check_visible(session: Session, principal: Principal, case_id: str, purpose: str) -> None:
    """A proof is seen with its case. The court's ruling of a restructuring is kept with the application's
    first case, and every case's handler checks that one ruling: seen with any case of the application."""
    if purpose != "ruling":
        visible_case(session, principal, case_id)
        return
    case = store_cases.get_case(session, case_id)
    siblings = [c.id for c in store_cases.cases_of(session, case.application_id)] if case else [case_id]
    for sibling in siblings:
        try:
            visible_case(session, principal, sibling)
            return
        except DomainError:
            continue
    raise DomainError(Code.NOT_FOUND, "该事项不存在或无权查看")


def material_response(session: Session, settings: Settings, principal: Principal, material_id: str) -> Response:
    row = store_materials.get(session, material_id)
    if row is None:
        raise not_found("该材料")
    if row.case_id:
        _check_visible(session, principal, row.case_id, row.purpose)  # 404 for anyone who may not see it
    elif row.uploaded_by != principal.sub:
        raise not_found("该材料")
    data = blob_path(settings.materials_dir, row.sha256).read_bytes()
    disposition = "inline" if row.content_type == "application/pdf" or row.content_type.startswith("image/") else \
        "attachment"
    return Response(data, media_type=row.content_type, headers={
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(row.filename)}",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})
