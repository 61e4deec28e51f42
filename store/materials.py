"""Uploaded materials: the bytes in a content-addressed directory, the rows in the store.

The bytes are written before the row (a file whose row never came is harmless and the same content is
one file), and a row is attached to its case in the filing's transaction: no application is left with
half its materials.

Uploads no application took are purged after a few days (`delete_unattached`, then `drop_unused_files`).
The same content is one file, so a purge could take away bytes that a new upload of that content had
just found there: the purge moves the file aside before it looks for rows that still use it (and puts
it back if any do), and an upload writes its bytes again if they are missing once its row is committed
(`keep_bytes` twice). Whichever comes first, the file is there for every committed row."""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Sequence
from datetime import datetime
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


def unattached_before(session: Session, before: datetime, after_id: str | None, limit: int) -> list[Material]:
    """Uploads no application took, made before `before`: a page in id order (after `after_id`)."""
    query = select(Material).where(Material.application_id.is_(None),  # type: ignore[union-attr]
                                   Material.uploaded_at < before)  # type: ignore[operator, arg-type]
    if after_id:
        query = query.where(Material.id > after_id)  # type: ignore[arg-type]
    return list(session.exec(query.order_by(Material.id).limit(limit)))  # type: ignore[arg-type]


def delete_unattached(session: Session, ids: Sequence[str]) -> int:
    """Deletes those of `ids` still unattached (one attached meanwhile stays); answers how many."""
    if not ids:
        return 0
    done = session.execute(sa.delete(Material).where(
        Material.id.in_(ids), Material.application_id.is_(None)))  # type: ignore[attr-defined, union-attr]
    return int(done.rowcount)  # type: ignore[attr-defined]


def drop_unused_files(session: Session, root: Path, digests: set[str]) -> int:
    """Removes the files of `digests` that no row uses, after the rows' deletion was committed. A file is
    moved aside first and the rows are looked for after: an upload committed before the look keeps its
    file (it is moved back), one committed after finds it missing and writes it again."""
    dropped = 0
    for digest in sorted(digests):
        path = blob_path(root, digest)
        aside = path.with_name(f"{digest}.purging-{uuid.uuid4().hex[:8]}")
        with contextlib.suppress(FileNotFoundError):  # already gone: an earlier attempt, or never written
            os.rename(path, aside)
        session.rollback()  # look at what is committed now, not at a snapshot from before the move
        used = session.exec(select(Material.id).where(Material.sha256 == digest).limit(1)).first() is not None
        # this move, and any an earlier attempt left behind when it was killed between move and decision
        for moved in sorted(path.parent.glob(f"{digest}.purging-*")):
            if used and not path.exists():
                os.rename(moved, path)
            else:
                moved.unlink()
                dropped += not used
    return dropped
