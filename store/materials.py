"""Uploaded materials: the bytes in a content-addressed directory, the rows in the store.

The bytes are written before the row (a file whose row never came is harmless and the same content is
one file), and a row is attached to its case in the filing's transaction: no application is left with
half its materials."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from store.files import write_whole
from store.models import Material


def blob_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def keep_bytes(root: Path, data: bytes) -> str:
    """Writes the bytes once (atomically: a reader never sees half a file) and answers their sha256."""
    digest = hashlib.sha256(data).hexdigest()
    path = blob_path(root, digest)
    if not path.exists():
        write_whole(path, data)
    return digest


def add(session: Session, material: Material) -> None:
    session.add(material)


def get(session: Session, material_id: str) -> Material | None:
    return session.get(Material, material_id)


def unattached_of(session: Session, ids: Sequence[str], uploaded_by: str) -> list[Material]:
    if not ids:
        return []
    return list(session.exec(select(Material).where(
        Material.id.in_(ids), Material.uploaded_by == uploaded_by,  # type: ignore[attr-defined]
        Material.application_id.is_(None))))  # type: ignore[union-attr]


def attach(session: Session, material_id: str, *, application_id: str, case_id: str, record_id: str,
           purpose: str = "proof") -> bool:
    """Conditional, like the record reservation: a material attaches to one case only."""
    done = session.execute(sa.update(Material).where(
        Material.id == material_id, Material.application_id.is_(None))  # type: ignore[arg-type, union-attr]
        .values(application_id=application_id, case_id=case_id, record_id=record_id, purpose=purpose))
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


def of_cases(session: Session, case_ids: Sequence[str]) -> list[Material]:
    if not case_ids:
        return []
    return list(session.exec(select(Material).where(Material.case_id.in_(case_ids))  # type: ignore[union-attr]
                             .order_by(Material.uploaded_at)))


def detach(session: Session, ids: Sequence[str], *, case_id: str) -> None:
    """Undoes `attach` for a supplement the workflow refused: the uploads are free again."""
    session.execute(sa.update(Material).where(
        Material.id.in_(ids), Material.case_id == case_id)  # type: ignore[attr-defined]
        .values(application_id=None, case_id=None, record_id=None, purpose="proof"))
