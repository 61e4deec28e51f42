"""Receiving a material: read at most the allowed size, judge the type by the content's magic bytes
(`filetype`), keep the bytes, then the row. A refused upload stores nothing."""

from __future__ import annotations

import logging
import re
import uuid

import filetype  # type: ignore[import-untyped]
from fastapi import UploadFile
from sqlmodel import Session

from api import clock
from api.schemas import MaterialPublic
from config.rules import Rules
from config.settings import Settings
from domain.access import Principal
from domain.errors import DomainError
from domain.materials import upload_refusal
from services.db import in_session
from store import materials as store_materials
from store.models import Material

log = logging.getLogger("xiufu.materials")
CHUNK = 256 * 1024


async def read_capped(upload: UploadFile, max_bytes: int) -> tuple[bytes, int]:
    """The bytes up to one past the limit (enough to refuse), and how many the upload had by then."""
    parts, size = [], 0
    while size <= max_bytes:
        chunk = await upload.read(CHUNK)
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts), size


def clean_name(name: str | None) -> str:
    """Only the file's own name, printable, at most 100 characters: it is shown to caseworkers."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:100] or "材料"


def judge(data: bytes, size: int, rules: Rules) -> str:
    """The detected content type, or DomainError with the rule's code and a Chinese message."""
    kind = filetype.guess(data[:8192]) if data else None
    detected = kind.mime if kind else None
    refused = upload_refusal(detected, size, rules.policy.uploads)
    if refused:
        raise DomainError(*refused)
    assert detected is not None
    return detected


def keep(session: Session, settings: Settings, principal: Principal, subject: str, filename: str, data: bytes,
         content_type: str) -> MaterialPublic:
    digest = store_materials.keep_bytes(settings.materials_dir, data)
    row = Material(id="mat_" + uuid.uuid4().hex[:20], sha256=digest, filename=filename, content_type=content_type,
                   size=len(data), subject_key=subject, uploaded_by=principal.sub,
                   uploaded_role=principal.role.value, uploaded_at=clock.now())
    store_materials.add(session, row)
    log.info("material %s kept (%s, %d bytes) for subject %s…", row.id, content_type, len(data), subject[:6])
    return public(row)


async def keep_upload(settings: Settings, principal: Principal, subject: str, filename: str, data: bytes,
                      content_type: str) -> MaterialPublic:
    """`keep` in its own transaction, then the bytes once more: the daily purge of unattached uploads may
    have taken the file this upload found already there (same content) before the row was committed."""
    kept = await in_session(settings, lambda s: keep(s, settings, principal, subject, filename, data, content_type))
    store_materials.keep_bytes(settings.materials_dir, data)
    return kept


def public(row: Material) -> MaterialPublic:
    return MaterialPublic(id=row.id, filename=row.filename, content_type=row.content_type, size=row.size,
                          sha256=row.sha256, uploaded_at=row.uploaded_at, record_id=row.record_id,
                          purpose=row.purpose)
