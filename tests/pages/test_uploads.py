"""Proof uploads on the application form: judged by content and size, refused with a message next to the
field and nothing stored; a good proof is filed with the application and opened by the caseworker."""

from __future__ import annotations

import re
import sqlite3

import httpx
import pytest

from api import clock
from domain.periods import add_months
from tests import factories
from tests.materials import elf_bytes, oversized_pdf, pdf_bytes
from tests.pages.browse import check_page, sign_in

pytestmark = pytest.mark.system
ISSUER = "320100-natural_resources"


def stored(stack) -> tuple[int, int]:
    with sqlite3.connect(stack.var / "xiufu.db") as db:
        rows = db.execute("select count(*) from material").fetchone()[0]
    root = stack.var / "materials"
    return rows, sum(1 for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def test_bad_uploads_are_refused_and_a_good_proof_reaches_the_caseworker(web_stack, new_page):
    uscc = factories.uscc(7401)
    body = factories.record_body(issuer=ISSUER, obligations_fulfilled=None, decided_on=str(add_months(
        clock.today(), -4)), subject={"uscc": uscc, "name": "南京示例安全有限公司"})
    r = httpx.post(web_stack.api + "/api/v1/records", json=body,
                   headers=web_stack.token("--role", "integrator", "--authority", ISSUER))
    assert r.status_code == 201, r.text
    record = r.json()
    applicant = new_page()
    sign_in(applicant, web_stack.token("--role", "applicant", "--subject", uscc))
    box = applicant.get_by_label(re.compile(re.escape(record["record_no"])))
    proof = f"#proof-{record['id']}"

    def submit(files) -> str:
        box.check()
        applicant.get_by_label("联系电话").fill("13912345678")
        applicant.get_by_label("我已阅读以上信用承诺书，我承诺").check()
        if files:
            applicant.set_input_files(proof, files=files)
        applicant.get_by_role("button", name="提交修复申请").click()
        applicant.wait_for_load_state()
        return applicant.inner_text("main")

    before = stored(web_stack)
    text = submit([])
    assert "请上传已履行义务的证明材料" in text
    text = submit([{"name": "缴款凭证.pdf", "mimeType": "application/pdf", "buffer": elf_bytes()}])
    assert "缴款凭证.pdf：只能上传 PDF、JPG、PNG 文件" in text
    assert applicant.get_by_label("联系电话").input_value() == "13912345678"  # what was typed is kept
    check_page(applicant, "upload-refused")
    text = submit([{"name": "big.pdf", "mimeType": "application/pdf", "buffer": oversized_pdf(11)}])
    assert "big.pdf：文件不能超过 10 MB" in text
    assert stored(web_stack) == before  # nothing of the refused uploads was kept

    submit([{"name": "缴款凭证.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    applicant.wait_for_url(re.compile(r"/applications/app_"))
    assert stored(web_stack)[0] == before[0] + 1

    worker = new_page()
    sign_in(worker, web_stack.token("--role", "caseworker", "--authority", ISSUER))
    worker.get_by_role("link", name=record["record_no"]).click()
    link = worker.get_by_role("link", name="缴款凭证.pdf")
    href = link.get_attribute("href")
    opened = worker.request.get(href)
    assert opened.status == 200 and opened.headers["content-type"] == "application/pdf"
    assert opened.body() == pdf_bytes()
    outsider = new_page()
    sign_in(outsider, web_stack.token("--role", "caseworker", "--authority", "320100-tax"))
    assert outsider.request.get(href).status == 404


def test_a_supplement_request_is_answered_with_new_uploads(web_stack, new_page):
    from tests.materials import png_bytes
    from tests.system.steps import apply, decide, register

    uscc = factories.uscc(7402)
    record = register(web_stack, "320100-court", uscc)
    created = apply(web_stack, uscc, [record["id"]]).json()
    case_id = created["cases"][0]["id"]
    asked = decide(web_stack, case_id, "320100-court", "request_supplement", "请补充法院出具的履行完毕证明")
    assert asked.status_code == 200, asked.text

    applicant = new_page()
    sign_in(applicant, web_stack.token("--role", "applicant", "--subject", uscc), f"/applications/{created['id']}")
    assert "请补充法院出具的履行完毕证明" in applicant.inner_text("main")
    field = f"#supplement-{case_id}"
    before = stored(web_stack)
    applicant.set_input_files(field, files=[{"name": "证明.pdf", "mimeType": "application/pdf",
                                             "buffer": elf_bytes()}])
    applicant.get_by_role("button", name="提交补正材料").click()
    assert "证明.pdf：只能上传" in applicant.inner_text("main")
    assert stored(web_stack) == before
    check_page(applicant, "supplement-refused")
    applicant.set_input_files(field, files=[{"name": "证明.png", "mimeType": "image/png", "buffer": png_bytes()}])
    applicant.get_by_role("button", name="提交补正材料").click()
    applicant.wait_for_url(re.compile(r"supplemented=1"))
    assert "补正材料已提交" in applicant.inner_text("main")

    worker = new_page()
    sign_in(worker, web_stack.token("--role", "caseworker", "--authority", "320100-court"), f"/cases/{case_id}")
    text = worker.inner_text("main")
    assert "待受理" in text and "证明.png（补正材料" in text

    # a supplement the workflow refuses (none is asked for now) leaves its upload free again, not bound
    headers = web_stack.token("--role", "applicant", "--subject", uscc)
    spare = httpx.post(web_stack.api + "/api/v1/materials", files={"file": ("再补.png", png_bytes(), "image/png")},
                       data={"subject": uscc}, headers=headers).json()["id"]
    refused = httpx.post(web_stack.api + f"/api/v1/cases/{case_id}/supplement", json={"materials": [spare]},
                         headers=headers, timeout=30)
    assert refused.status_code == 409, refused.text
    with sqlite3.connect(web_stack.var / "xiufu.db") as db:
        assert db.execute("select case_id from material where id = ?", (spare,)).fetchone() == (None,)
