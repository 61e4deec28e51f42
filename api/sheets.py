"""The answer to an imported spreadsheet (POST /api/v1/records/import and the /import page): one line per
row of the sheet, by its row number, merging what the reading refused (services/importing.py) with what the
batch registration answered for the rest (api/routes/records.create_records)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.schemas import BatchResult
from domain.errors import entry
from services import importing

XLSX: dict[str, Any] = {"content": {importing.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}},
                        "description": "Excel 工作簿（.xlsx）"}
CHUNK = 256 * 1024
MAX_FILE_BYTES = 8 * 1024 * 1024  # a template of 1,000 full rows is well under 1 MB


class ImportRow(BaseModel):
    row: int = Field(description="表格中的行号（第1行为表头）")
    status: str = Field(description="created（已登记）、existing（此前已登记，内容相同）或 error（未登记）")
    id: str | None = None
    code: str | None = None
    message: str | None = None
    column: str | None = Field(default=None, description="出错的列名")


class ImportResult(BaseModel):
    created: int
    existing: int
    failed: int
    rows: list[ImportRow]


STATUS_LABELS = {"created": "已登记", "existing": "此前已登记", "error": "未登记"}


def merged(sheet: importing.Sheet, batch: BatchResult | None) -> ImportResult:
    """Every row in the sheet's order: the reading's refusals as they are, the others as the batch answered
    them (its `index` counts the bodies sent, in the sheet's order)."""
    numbers = [number for number, _ in sheet.bodies]
    answered = {numbers[r.index]: r for r in batch.results} if batch else {}
    rows = []
    for row in sheet.rows:
        if row.error is not None:
            rows.append(ImportRow(row=row.row, status="error", code=row.error.code, message=row.error.message,
                                  column=row.error.column or None))
            continue
        result = answered[row.row]
        field = (result.errors or [{}])[0].get("field", "") or _field_of(result.code)
        rows.append(ImportRow(row=row.row, status=result.status, id=result.id, code=result.code,
                              message=result.message, column=importing.column_of(field) or None))
    return ImportResult(created=sum(r.status == "created" for r in rows),
                        existing=sum(r.status == "existing" for r in rows),
                        failed=sum(r.status == "error" for r in rows), rows=rows)


def _field_of(code: str | None) -> str:
    """The body's field a catalogue code belongs to; "" for none, or a code of the caller's own (the CLI's)."""
    try:
        return (entry(code).field or "") if code else ""
    except ValueError:
        return ""
