"""Which records ask for an upload, and what an upload may be.

国办发〔2025〕22号 (confirmed): an application carries proof that the legal obligations are fulfilled and a
credit commitment; authorities are encouraged to fetch proofs from their own systems rather than ask for
them, so a record whose issuer confirmed the obligations fulfilled (a fine known to be paid) asks for none.
A penalty that imposed no obligation to carry out (a warning, a notice of criticism) has nothing to prove
either."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.errors import Code
from domain.model import RecordKind

NOTHING_TO_CARRY_OUT = frozenset({"警告", "通报批评"})


@dataclass(frozen=True)
class UploadRules:
    """From config/policy.yaml `materials`."""

    max_bytes: int = 10 * 1024 * 1024
    types: tuple[str, ...] = ("application/pdf", "image/jpeg", "image/png")
    # An upload no application took is deleted after this many days: it may be an ID card or a bank slip,
    # kept for no purpose once the applicant has left the form (个人信息保护法: no longer than necessary).
    unattached_kept_days: int = 3


TYPE_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPG", "image/png": "PNG"}


def unattached_purge_before(now: datetime, rules: UploadRules) -> datetime:
    """Uploads no application took, made before this moment, are purged."""
    return now - timedelta(days=rules.unattached_kept_days)


def needs_proof(kind: str, penalty_types: Iterable[str], obligations_fulfilled: bool | None) -> bool:
    if obligations_fulfilled is True:
        return False
    types = set(penalty_types)
    return not (kind == RecordKind.PENALTY and types and types <= NOTHING_TO_CARRY_OUT)


def upload_refusal(detected_type: str | None, size: int, rules: UploadRules) -> tuple[str, str] | None:
    """(code, message) for an upload the rules refuse, judged by its content's type (never by its name)."""
    allowed = "、".join(TYPE_LABELS.get(t, t) for t in rules.types)
    if size == 0:
        return Code.MATERIAL_EMPTY, "上传的文件是空的"
    if size > rules.max_bytes:
        return Code.MATERIAL_TOO_LARGE, f"文件不能超过 {rules.max_bytes // (1024 * 1024)} MB"
    if detected_type not in rules.types:
        return Code.MATERIAL_TYPE, f"只能上传 {allowed} 文件（按文件内容识别，改扩展名无效）"
    return None
