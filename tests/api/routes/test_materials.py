"""Uploads: the type judged by content, the size capped, a refusal storing nothing; a material readable by
its uploader only until it is attached to a case."""

from __future__ import annotations

from sqlmodel import select

from config.settings import get_settings
from store.db import engine_for, session_scope
from store.models import Material
from tests import factories
from tests.api.conftest import token
from tests.materials import elf_bytes, oversized_pdf, pdf_bytes, png_bytes

USCC = factories.uscc(5151)
APPLICANT = token("applicant", subject=USCC)


def stored() -> tuple[int, int]:
    settings = get_settings()
    with session_scope(engine_for(settings.db_url)) as s:
        rows = len(list(s.exec(select(Material))))
    files = sum(1 for p in settings.materials_dir.rglob("*") if p.is_file()) if settings.materials_dir.exists() else 0
    return rows, files


def upload(client, name: str, data: bytes, headers=APPLICANT, subject: str = USCC):
    return client.post("/api/v1/materials", files={"file": (name, data, "application/pdf")},
                       data={"subject": subject}, headers=headers)


def test_a_pdf_and_a_png_are_kept_and_read_back_by_their_uploader_only(client):
    r = upload(client, "缴款凭证.pdf", pdf_bytes())
    assert r.status_code == 201, r.text
    kept = r.json()
    assert kept["content_type"] == "application/pdf" and kept["filename"] == "缴款凭证.pdf"
    png = upload(client, "photo.pdf", png_bytes())  # the name says pdf, the content says png
    assert png.status_code == 201 and png.json()["content_type"] == "image/png"
    back = client.get(f"/api/v1/materials/{kept['id']}", headers=APPLICANT)
    assert back.status_code == 200 and back.content == pdf_bytes()
    assert back.headers["x-content-type-options"] == "nosniff"
    other = token("applicant", sub="someone-else", subject=USCC)
    assert client.get(f"/api/v1/materials/{kept['id']}", headers=other).status_code == 404


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_stored(client):
    before = stored()
    r = upload(client, "receipt.pdf", elf_bytes())
    assert r.status_code == 422
    assert r.json()["code"] == "MATERIAL_TYPE" and "PDF" in r.json()["message"]
    assert stored() == before


def test_an_eleven_megabyte_file_is_refused_and_nothing_is_stored(client):
    before = stored()
    r = upload(client, "big.pdf", oversized_pdf(11))
    assert r.status_code == 413
    assert r.json()["code"] == "MATERIAL_TOO_LARGE" and "10 MB" in r.json()["message"]
    assert stored() == before


def test_an_empty_file_and_someone_elses_subject_are_refused(client):
    assert upload(client, "empty.pdf", b"").json()["code"] == "MATERIAL_EMPTY"
    other = factories.uscc(5152)
    assert upload(client, "x.pdf", pdf_bytes(), subject=other).status_code == 403
    window = token("window", sub="window-1")
    assert upload(client, "x.pdf", pdf_bytes(), headers=window, subject=other).status_code == 201


def test_an_upload_whose_file_a_purge_took_before_its_row_was_committed_still_has_it(client, monkeypatch):
    """The same content is one file: an upload can find it there, write nothing, and have the daily purge
    take it before its row is committed. The upload writes its bytes again once the row is in."""
    from api import uploads
    from store.materials import blob_path

    data = pdf_bytes() + b"%purged-meanwhile"
    original = uploads.keep

    def purged_meanwhile(session, settings, *args):
        kept = original(session, settings, *args)
        blob_path(settings.materials_dir, kept.sha256).unlink()  # what a purge of an older row would do
        return kept

    monkeypatch.setattr(uploads, "keep", purged_meanwhile)
    r = upload(client, "证明.pdf", data)
    assert r.status_code == 201, r.text
    assert client.get(f"/api/v1/materials/{r.json()['id']}", headers=APPLICANT).content == data
