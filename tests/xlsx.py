"""Filled import sheets for the tests: the template as integrators download it, with rows written in."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from config.rules import rules_for
from config.settings import get_settings
from services import importing
from tests import factories


def penalty_types() -> frozenset[str]:
    return rules_for(get_settings().config_dir).policy.penalty_types


def row_of(body: dict[str, Any] | None = None, **over: Any) -> dict[str, Any]:
    """A sheet row (by Chinese header) for a body as factories.record_body makes it."""
    body = body or factories.record_body()
    subject = body["subject"]
    row = {"信息类别": "行政处罚信息", "决定文书号": body["record_no"], "失信程度": "一般",
           "决定日期": body["decided_on"], "统一社会信用代码": subject.get("uscc"),
           "公民身份号码": subject.get("id_number"), "主体名称": subject["name"],
           "联系电话": subject.get("contact_phone"), "处罚种类": "、".join(body["penalty_types"]),
           "罚款金额（元）": body["fine_amount"], "事由摘要": body["summary"],
           "已履行法定义务": "是" if body["obligations_fulfilled"] else None}
    row.update(over)
    return row


def filled(rows: list[dict[str, Any]], header: list[str] | None = None) -> bytes:
    book = load_workbook(io.BytesIO(importing.template(penalty_types())))
    sheet = book[importing.SHEET]
    if header is not None:
        for i in range(1, len(importing.COLUMNS) + 1):
            sheet.cell(row=1, column=i).value = None
        for i, name in enumerate(header, start=1):
            sheet.cell(row=1, column=i, value=name)
    names = header or [c.header for c in importing.COLUMNS]
    for r, row in enumerate(rows, start=2):
        for c, name in enumerate(names, start=1):
            sheet.cell(row=r, column=c, value=row.get(name))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
