"""Reading a filled import sheet: every row becomes a body for POST /records or its own error, by row number;
a file that is no workbook, has the wrong header, no rows or too many is refused as a whole."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from domain.errors import Code, DomainError
from services import importing
from tests import factories
from tests.xlsx import filled, penalty_types, row_of

ISSUER = "320100-market_regulation"


def test_the_template_has_every_column_a_guide_and_drop_downs():
    book = load_workbook(io.BytesIO(importing.template(penalty_types())))
    assert book.sheetnames == [importing.SHEET, importing.GUIDE]
    sheet = book[importing.SHEET]
    assert [c.value for c in sheet[1]] == [c.header for c in importing.COLUMNS]
    assert all(c.comment and ("必填" in c.comment.text or "选填" in c.comment.text) for c in sheet[1])
    lists = {dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "list"}
    assert '"行政处罚信息,经营异常名录,严重失信主体名单"' in lists
    assert '"轻微,一般,严重"' in lists and '"是,否"' in lists
    guide = " ".join(str(c.value) for row in book[importing.GUIDE].iter_rows() for c in row if c.value)
    assert "罚款" in guide and "至多1000行" in guide and "经营异常名录" in guide
    # the template as downloaded reads as a file with no rows yet
    with pytest.raises(DomainError) as refused:
        importing.read(importing.template(penalty_types()), ISSUER)
    assert refused.value.code is Code.IMPORT_NO_ROWS


def test_good_rows_become_the_bodies_post_records_takes():
    person = factories.record_body(kind="serious_list", penalty_types=[], fine_amount=None,
                                   subject={"id_number": "11010519491231002X", "name": "张三"})
    rows = [row_of(), row_of(person, 信息类别="严重失信主体名单", 失信程度="严重", 处罚种类=None,
                             已履行法定义务="否", 决定日期=datetime(2026, 2, 1), 联系电话=13812345678)]
    sheet = importing.read(filled(rows), ISSUER)
    assert [r.row for r in sheet.rows] == [2, 3] and all(r.error is None for r in sheet.rows)
    first, second = (r.body for r in sheet.rows)
    subject = {"uscc": rows[0]["统一社会信用代码"], "name": rows[0]["主体名称"], "contact_phone": "13812345678"}
    assert first == {"issuer": ISSUER, "kind": "penalty", "record_no": rows[0]["决定文书号"], "severity": "general",
                     "decided_on": "2026-03-10", "subject": subject,
                     "penalty_types": ["罚款"], "fine_amount": "5000.00", "summary": "未按规定公示年度报告",
                     "obligations_fulfilled": True}
    assert second["kind"] == "serious_list" and second["severity"] == "serious"
    assert second["decided_on"] == "2026-02-01" and second["obligations_fulfilled"] is False
    assert second["subject"] == {"id_number": "11010519491231002X", "name": "张三", "contact_phone": "13812345678"}
    assert "penalty_types" not in second and "fine_amount" not in second


@pytest.mark.parametrize("text,day", [("2026/3/10", date(2026, 3, 10)), ("2026年3月10日", date(2026, 3, 10)),
                                      ("20260310", date(2026, 3, 10)), (46091, date(2026, 3, 10))])
def test_dates_written_the_ways_people_write_them(text, day):
    sheet = importing.read(filled([row_of(决定日期=text)]), ISSUER)
    assert sheet.rows[0].body["decided_on"] == day.isoformat()


def test_amounts_and_penalty_types_as_people_write_them():
    sheet = importing.read(filled([row_of(**{"罚款金额（元）": "20,000元", "处罚种类": "警告，罚款"}),
                                   row_of(**{"罚款金额（元）": 1234.5})]), ISSUER)
    assert sheet.rows[0].body["fine_amount"] == "20000" and sheet.rows[0].body["penalty_types"] == ["警告", "罚款"]
    assert sheet.rows[1].body["fine_amount"] == "1234.5"


@pytest.mark.parametrize("over,code,column", [
    ({"决定日期": "2026-13-01"}, Code.INVALID_DATE, "决定日期"),
    ({"决定日期": "上个月"}, Code.INVALID_DATE, "决定日期"),
    ({"信息类别": "黑名单"}, Code.INVALID_KIND, "信息类别"),
    ({"失信程度": "特别严重"}, Code.INVALID_SEVERITY, "失信程度"),
    ({"罚款金额（元）": "五千"}, Code.INVALID_AMOUNT, "罚款金额（元）"),
    ({"已履行法定义务": "已缴"}, Code.INVALID_OBLIGATIONS, "已履行法定义务"),
    ({"主体名称": "  "}, Code.MISSING_FIELD, "主体名称"),
    ({"决定文书号": None}, Code.MISSING_FIELD, "决定文书号"),
])
def test_a_row_that_cannot_be_read_gets_its_own_error_and_sinks_nothing(over, code, column):
    sheet = importing.read(filled([row_of(), row_of(**over), row_of()]), ISSUER)
    assert [r.row for r in sheet.rows] == [2, 3, 4]
    bad = sheet.rows[1]
    assert bad.body is None and bad.error.code == code and bad.error.column == column
    assert bad.error.message.startswith(f"“{column}”")
    assert sheet.rows[0].body and sheet.rows[2].body
    assert [n for n, _ in sheet.bodies] == [2, 4]


def test_blank_rows_are_skipped_and_row_numbers_kept():
    sheet = importing.read(filled([row_of(), {}, {}, row_of()]), ISSUER)
    assert [r.row for r in sheet.rows] == [2, 5]


def test_at_most_a_thousand_rows():
    one = row_of()
    assert len(importing.read(filled([one] * importing.MAX_ROWS), ISSUER).rows) == importing.MAX_ROWS
    with pytest.raises(DomainError) as refused:
        importing.read(filled([one] * (importing.MAX_ROWS + 1)), ISSUER)
    assert refused.value.code is Code.IMPORT_TOO_MANY_ROWS and "1000" in refused.value.message


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7 not a sheet", b"kind,record_no\npenalty,1\n",
                                  b"PK\x03\x04 a broken zip", b"PK\x05\x06" + b"\0" * 18])
def test_a_file_that_is_no_workbook_is_refused(data):
    with pytest.raises(DomainError) as refused:
        importing.read(data, ISSUER)
    assert refused.value.code is Code.IMPORT_NOT_XLSX and "xlsx" in refused.value.message


def test_a_zip_that_is_no_workbook_is_refused():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "不是工作簿")
    with pytest.raises(DomainError) as refused:
        importing.read(out.getvalue(), ISSUER)
    assert refused.value.code is Code.IMPORT_NOT_XLSX


def test_a_sheet_not_made_from_the_template_is_refused_with_its_columns_named():
    book = Workbook()
    book.active.append(["企业名称", "文号"])
    book.active.append(["某公司", "1号"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(DomainError) as refused:
        importing.read(out.getvalue(), ISSUER)
    assert refused.value.code is Code.IMPORT_BAD_HEADER
    assert "信息类别" in refused.value.message and "企业名称" in refused.value.message


def test_columns_in_another_order_and_marked_required_are_read():
    header = ["主体名称*", "信息类别", "决定文书号", "失信程度", "决定日期", "统一社会信用代码"]
    row = row_of()
    row["主体名称*"] = row["主体名称"]
    body = importing.read(filled([row], header=header), ISSUER).rows[0].body
    assert body["subject"]["name"] == row["主体名称"] and body["kind"] == "penalty"


def test_the_column_of_a_refused_field():
    assert importing.column_of("subject.uscc") == "统一社会信用代码"
    assert importing.column_of("penalty_types.0") == "处罚种类"
    assert importing.column_of("subject") == "" and importing.column_of("") == ""


def test_a_column_given_twice_is_refused():
    header = [c.header for c in importing.COLUMNS] + ["主体名称"]
    with pytest.raises(DomainError) as refused:
        importing.read(filled([row_of()], header=header), ISSUER)
    assert refused.value.code is Code.IMPORT_BAD_HEADER and "重复" in refused.value.message


def test_a_header_retyped_with_half_width_brackets_is_the_templates():
    header = [c.header for c in importing.COLUMNS]
    header[header.index("罚款金额（元）")] = "罚款金额(元)"
    row = row_of()
    row["罚款金额(元)"] = "300"
    assert importing.read(filled([row], header=header), ISSUER).rows[0].body["fine_amount"] == "300"
