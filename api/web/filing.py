"""Filing one application from a page, for the applicant (/my) and for a counter on a subject's behalf
(/window): the form is read, the proofs are judged and kept, then everything is handed to the API's own
route function, so the same checks refuse the same things with the same codes."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import UploadFile

from api import clock
from api.errors import field_error
from api.present import record_public
from api.routes.materials import check_uploader
from api.schemas import ApplicationCreate, MaterialPublic, MaterialRef, RecordPublic
from api.uploads import clean_name, judge, keep_upload, public, read_capped
from api.web.forms import FormState, refusal_status
from config.loader import load_letter_texts
from config.rules import Rules
from config.settings import Settings
from domain.access import Principal
from domain.errors import Code, DomainError
from services import deciding, filing
from services.db import in_session
from services.filing import Proof
from services.temporal import Temporal
from store import materials as store_materials
from store import records as store_records


def records_of(session: Session, rules: Rules, subject: str, today: Any) -> list[RecordPublic]:
    return [record_public(row, rules, today) for row in store_records.of_subject(session, subject)]


def published_on(settings: Settings) -> dict[str, str]:
    return dict(load_letter_texts(settings.config_dir)["published_on"])


def read_filing(form: Any) -> FormState:
    record_ids = [str(v) for v in form.getlist("record_ids")]
    return FormState(values={
        "record_ids": record_ids,
        "contact_phone": str(form.get("contact_phone", "")).strip(),
        "commitment": form.get("commitment") == "yes",
        # uploads kept from an earlier attempt of this form (a browser cannot keep a file input)
        "kept": {rid: [str(v) for v in form.getlist(f"kept-{rid}")] for rid in record_ids},
        "uploads": {rid: uploads_in(form, f"proof-{rid}") for rid in record_ids},
        "kept_files": {},
    })


async def file(state: FormState, subject: str, principal: Principal, rules: Rules, settings: Settings,
               temporal: Temporal) -> str | None:
    """The application's id, or None with the refusals written into `state`. A refused upload is never
    stored; every upload that passes is kept at once (unattached, purged by the daily sweep if no application
    takes it) and offered again with the form, so a refusal of another field never drops a good proof."""
    values = state.values
    if not values["record_ids"]:
        state.errors["record_ids"] = "请至少选择一条失信信息"
    if not values["commitment"]:
        state.errors["commitment"] = "请阅读信用承诺书并勾选“我承诺”"
    payload: ApplicationCreate | None = None
    try:
        payload = ApplicationCreate(subject=subject, record_ids=values["record_ids"] or ["-"],
                                    contact_phone=values["contact_phone"], commitment_signed=values["commitment"])
    except ValidationError as invalid:
        for err in invalid.errors():
            found = field_error(dict(err))
            key = "contact_phone" if found["field"].startswith("contact_phone") else found["field"] or "general"
            state.errors.setdefault(key, found["message"])
    try:
        check_uploader(principal, subject)
        refs = await _keep_uploads(state, await _judge_uploads(state, rules), principal, subject, settings)
    except DomainError as refused:
        state.refuse(refused)
        return None
    if state.errors or payload is None:
        await _offer_kept(state, principal, settings)
        return None
    try:
        filed = await filing.file_application(
            settings, rules, temporal, principal, subject=payload.subject, record_ids=payload.record_ids,
            contact_phone=payload.contact_phone, commitment_signed=payload.commitment_signed,
            proofs=[Proof(r.record_id, r.material_id) for r in refs], now=clock.now(), today=clock.today())
        return filed.application.application_id
    except DomainError as refused:
        state.refuse(refused)
        if refused.code == Code.PROOF_REQUIRED:
            for rid in refused.details.get("record_ids", []):
                state.errors[f"proof-{rid}"] = "请上传已履行义务的证明材料（PDF、JPG 或 PNG）"
        await _offer_kept(state, principal, settings)
        return None


async def answer_supplement(form: Any, principal: Principal, subject: str, case_id: str, rules: Rules,
                            settings: Settings, temporal: Temporal, *, vouched_for: str | None = None,
                            note: str = "") -> str:
    """A supplement request answered with the form's uploads, by the applicant or a counter on their behalf
    (`vouched_for`, `note`: services/deciding.supplement): "" once the case took them, else the refusal to
    show next to the field. A refused upload stores nothing; 403 and 404 are raised, for the error page."""
    judged, refused = await judge_files(uploads_in(form, "supplement"), rules)
    if refused or not judged:
        return refused or "请选择要提交的补正材料"
    try:
        check_uploader(principal, subject)
        ids = await keep_files(judged, principal, subject, settings)
        await deciding.supplement(settings, temporal, principal, case_id, ids, vouched_for=vouched_for, note=note)
    except DomainError as failure:
        if refusal_status(failure) in (403, 404):
            raise
        return failure.message
    return ""


Judged = list[tuple[str, bytes, str]]  # (file name, bytes, content type) of uploads the rules accept


def uploads_in(form: Any, field: str) -> list[UploadFile]:
    """The files of a file input (a browser sends one empty part when none was chosen)."""
    return [f for f in form.getlist(field) if isinstance(f, UploadFile) and f.filename]


async def judge_files(uploads: list[UploadFile], rules: Rules) -> tuple[Judged, str]:
    """The accepted files, or the first refusal as "name:message" (then nothing may be kept)."""
    judged: Judged = []
    for upload in uploads:
        data, size = await read_capped(upload, rules.policy.uploads.max_bytes)
        try:
            judged.append((clean_name(upload.filename), data, judge(data, size, rules)))
        except DomainError as refused:
            return [], f"{clean_name(upload.filename)}：{refused.message}"
    return judged, ""


async def keep_files(judged: Judged, principal: Principal, subject: str, settings: Settings) -> list[str]:
    ids = []
    for name, data, content_type in judged:
        kept = await keep_upload(settings, principal, subject, name, data, content_type)
        ids.append(kept.id)
    return ids


async def _judge_uploads(state: FormState, rules: Rules) -> dict[str, Judged]:
    """Each file on its own: the good ones of a field are kept even when another file of it is refused."""
    judged: dict[str, Judged] = {}
    for rid, uploads in state.values["uploads"].items():
        judged[rid], refusals = [], []
        for upload in uploads:
            accepted, refused = await judge_files([upload], rules)
            judged[rid] += accepted
            refusals += [refused] if refused else []
        if refusals:
            state.errors[f"proof-{rid}"] = "；".join(refusals)
    return judged


async def _keep_uploads(state: FormState, judged: dict[str, Judged], principal: Principal,
                        subject: str, settings: Settings) -> list[MaterialRef]:
    refs = [MaterialRef(record_id=rid, material_id=mid) for rid, ids in state.values["kept"].items() for mid in ids]
    for rid, files in judged.items():
        for material_id in await keep_files(files, principal, subject, settings):
            state.values["kept"].setdefault(rid, []).append(material_id)
            refs.append(MaterialRef(record_id=rid, material_id=material_id))
    return refs


async def _offer_kept(state: FormState, principal: Principal, settings: Settings) -> None:
    """The names of uploads already kept, so the form shows them instead of asking again."""
    def load(session: Session) -> dict[str, list[MaterialPublic]]:
        ids = [mid for ids in state.values["kept"].values() for mid in ids]
        rows = {m.id: m for m in store_materials.unattached_of(session, ids, principal.sub)}
        return {rid: [public(rows[m]) for m in mids if m in rows] for rid, mids in state.values["kept"].items()}

    state.values["kept_files"] = await in_session(settings, load)


async def offer_kept_list(state: FormState, principal: Principal, settings: Settings) -> None:
    """The names of the uploads of a one-list form (`kept`) already kept, so the form shows them instead of
    asking again; those no longer the filer's to use are dropped."""
    def load(session: Session) -> list[MaterialPublic]:
        rows = {m.id: m for m in store_materials.unattached_of(session, state.values["kept"], principal.sub)}
        return [public(rows[m]) for m in state.values["kept"] if m in rows]

    state.values["kept_files"] = await in_session(settings, load)
    state.values["kept"] = [m.id for m in state.values["kept_files"]]
