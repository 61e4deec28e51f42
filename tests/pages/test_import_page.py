"""The issuer's integrator imports a filled sheet on /import: the template downloaded from the page, a file
that is no sheet refused next to its field, then the report as a table, one line per row (at 390 px too)."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from services import importing
from tests import factories
from tests.pages.browse import check_page, sign_in
from tests.pages.conftest import PHONE
from tests.xlsx import filled, row_of

pytestmark = pytest.mark.system
MARKET = "320100-market_regulation"


def test_an_integrator_imports_a_sheet_and_reads_the_report(web_stack, new_page, tmp_path):
    integrator = new_page()
    sign_in(integrator, web_stack.token("--role", "integrator", "--authority", MARKET), "/import")
    assert integrator.get_by_role("heading", name="批量登记失信信息").is_visible()
    assert integrator.get_by_role("link", name="批量登记").is_visible()  # the role's entry in the navigation
    check_page(integrator, "import")

    with integrator.expect_download() as download:
        integrator.get_by_role("link", name="下载导入模板（Excel 工作簿，.xlsx）").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == [importing.SHEET, importing.GUIDE]

    not_a_sheet = tmp_path / "records.pdf"
    not_a_sheet.write_bytes(b"%PDF-1.7\n")
    integrator.get_by_label("填好的导入文件").set_input_files(str(not_a_sheet))
    integrator.get_by_role("button", name="上传并登记").click()
    integrator.wait_for_load_state()
    assert integrator.title().startswith("错误：")
    assert "不是 Excel 工作簿" in integrator.locator("#file-error").inner_text()
    assert integrator.evaluate("document.activeElement.id") == "error-summary"
    check_page(integrator, "import-refused")

    good = [factories.record_body(subject={"uscc": factories.uscc(7700 + i), "name": f"南京导入{i}有限公司"})
            for i in range(3)]
    rows = [row_of(good[0]), row_of(good[1], 决定日期="2026年2月30日"), row_of(good[2]),
            row_of(信息类别="红名单")]
    sheet = tmp_path / "records.xlsx"
    sheet.write_bytes(filled(rows))
    phone = new_page(PHONE)
    sign_in(phone, web_stack.token("--role", "integrator", "--authority", MARKET), "/import")
    phone.get_by_label("填好的导入文件").set_input_files(str(sheet))
    phone.get_by_role("button", name="上传并登记").click()
    phone.wait_for_load_state()
    status = phone.get_by_role("status").inner_text()
    assert "新登记 2 行" in status and "未登记 2 行" in status
    table = phone.get_by_role("table", name="逐行导入结果")
    assert table.locator("tbody tr").count() == 4
    lines = [line.replace("\u2060", "") for line in table.locator("tbody tr").all_inner_texts()]
    assert "未登记" in lines[1] and "INVALID_DATE" in lines[1] and "决定日期" in lines[1]
    assert "已登记" in lines[0] and "INVALID_KIND" in lines[3]
    assert table.locator("tbody th").all_inner_texts() == ["2", "3", "4", "5"]  # the sheet's row numbers
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    check_page(phone, "import-report")

    admin = web_stack.token("--role", "admin")
    seen = httpx.get(f"{web_stack.api}/api/v1/subjects/{good[0]['subject']['uscc']}/records", headers=admin).json()
    assert [r["record_no"] for r in seen] == [good[0]["record_no"]]

    # the same file again: the registered rows answer 此前已登记, nothing twice
    phone.get_by_label("填好的导入文件").set_input_files(str(sheet))
    phone.get_by_role("button", name="上传并登记").click()
    phone.wait_for_load_state()
    assert "此前已登记 2 行" in phone.get_by_role("status").inner_text()
    assert len(httpx.get(f"{web_stack.api}/api/v1/subjects/{good[0]['subject']['uscc']}/records",
                         headers=admin).json()) == 1


def test_the_page_is_for_integrators_only(web_stack, new_page):
    clerk = new_page()
    sign_in(clerk, web_stack.token("--role", "caseworker", "--authority", MARKET), "/import")
    assert clerk.title().startswith("错误：") and "对接人员" in clerk.inner_text("main")
