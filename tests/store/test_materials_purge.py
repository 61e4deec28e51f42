"""Purging uploads no application took, on SQLite and PostgreSQL: old unattached rows go, with the files
no other row uses; a file that a new upload of the same content needs is never left missing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from store import materials
from store.db import make_engine, session_scope
from store.migrate import upgrade
from store.models import Material

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=5)


def material(material_id: str, digest: str, at: datetime, application_id: str | None = None) -> Material:
    return Material(id=material_id, sha256=digest, filename="证明.pdf", content_type="application/pdf", size=9,
                    subject_key="91320100MA1X0000X0", uploaded_by="applicant:x", uploaded_role="applicant",
                    uploaded_at=at, application_id=application_id, case_id="case_x" if application_id else None)


@pytest.fixture
def engine(db_url):
    upgrade(db_url)
    return make_engine(db_url)


def test_old_unattached_uploads_go_and_only_unused_files_with_them(engine, tmp_path):
    lone, shared, fresh = (materials.keep_bytes(tmp_path, data) for data in (b"%PDF-lone", b"%PDF-shared", b"%PDF-new"))
    with session_scope(engine) as s:
        s.add_all([material("mat_a", lone, OLD), material("mat_b", shared, OLD),
                   material("mat_c", shared, OLD, application_id="app_1"),  # filed: stays, and so does its file
                   material("mat_d", fresh, NOW)])  # within its days: stays
    with Session(engine) as s:
        found = materials.unattached_before(s, NOW - timedelta(days=3), None, 500)
    assert [m.id for m in found] == ["mat_a", "mat_b"]
    with session_scope(engine) as s:
        assert materials.delete_unattached(s, [m.id for m in found]) == 2
    with Session(engine) as s:
        assert materials.drop_unused_files(s, tmp_path, {m.sha256 for m in found}) == 1
        assert set(s.exec(select(Material.id))) == {"mat_c", "mat_d"}
    assert not materials.blob_path(tmp_path, lone).exists()
    assert materials.blob_path(tmp_path, shared).exists() and materials.blob_path(tmp_path, fresh).exists()


def test_an_upload_attached_meanwhile_is_not_deleted(engine):
    with session_scope(engine) as s:
        s.add(material("mat_a", "ab" * 32, OLD))
    with session_scope(engine) as s:
        assert materials.attach(s, "mat_a", application_id="app_1", case_id="case_1", record_id="rec_1")
    with session_scope(engine) as s:
        assert materials.delete_unattached(s, ["mat_a"]) == 0


def test_a_file_moved_aside_when_a_new_upload_committed_its_row_is_put_back(engine, tmp_path):
    """The race: a new upload of the same content found the file there (so wrote nothing) and committed
    its row after the old row was deleted. The purge looks for rows after moving the file, so it sees the
    new row and puts the file back."""
    digest = materials.keep_bytes(tmp_path, b"%PDF-same")
    with session_scope(engine) as s:
        s.add(material("mat_new", digest, NOW))  # the old row is already deleted; the new one is committed
    with Session(engine) as s:
        assert materials.drop_unused_files(s, tmp_path, {digest}) == 0
    assert materials.blob_path(tmp_path, digest).read_bytes() == b"%PDF-same"
    assert not list(tmp_path.rglob("*.purging-*"))


def test_a_purge_killed_between_move_and_decision_is_finished_by_the_next(engine, tmp_path):
    digest = materials.keep_bytes(tmp_path, b"%PDF-left")
    path = materials.blob_path(tmp_path, digest)
    path.rename(path.with_name(f"{digest}.purging-deadbeef"))  # what the killed attempt left
    with Session(engine) as s:
        assert materials.drop_unused_files(s, tmp_path, {digest}) == 1
    assert not list(tmp_path.rglob(f"{digest}*"))
