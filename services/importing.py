"""Bulk registration from the spreadsheets departments keep: the .xlsx template (one sheet of records with
Chinese headers, a sheet explaining each column, drop-down lists where Excel has them) and the reading of a
filled sheet into the bodies `POST /api/v1/records` takes.

Reading decides nothing about a record: a row whose cells cannot even be read (a date that is no date, a
kind label that is none of ours) is answered here with its row number, a stable code and a Chinese message;
every other row becomes a body that is registered through the same path as `POST /records/batch`
(services/registering.register, row by row), so the identifiers, the rules, idempotency, NO_TRACK and
RECORD_CONFLICT answer exactly as they do there. One bad row never sinks the others. As the batch takes at
most 1,000 bodies, a file takes at most 1,000 rows."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.errors import Code, DomainError
from domain.model import KIND_LABELS, SEVERITY_LABELS

MAX_ROWS = 1000  # as POST /records/batch
SHEET = "失信信息"
GUIDE = "填写说明"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YES, NO = "是", "否"


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the body's field (dotted for the subject's)
    required: bool
    guide: str  # what to write, shown in the header's comment and on the guide sheet
    example: str
    width: int = 16


COLUMNS: tuple[Column, ...] = (
    Column("信息类别", "kind", True, "从下拉列表中选择：" + "、".join(KIND_LABELS.values()), "行政处罚信息", 16),
    Column("决定文书号", "record_no", True,
           "行政处罚决定书文号或列入决定的文号，同一单位内不重复（重复导入按文号识别）", "宁市监罚〔2026〕12号", 24),
    Column("失信程度", "severity", True, "从下拉列表中选择：" + "、".join(SEVERITY_LABELS.values()), "一般", 10),
    Column("决定日期", "decided_on", True, "作出决定的日期，填日期或“2026-03-10”形式的文字，不能晚于今天",
           "2026-03-10", 14),
    Column("统一社会信用代码", "subject.uscc", False, "法人和非法人组织填写（18位），与公民身份号码二选一",
           "91320100MA1XXXXX0X", 22),
    Column("公民身份号码", "subject.id_number", False, "自然人填写（18位），与统一社会信用代码二选一", "", 22),
    Column("主体名称", "subject.name", True, "企业名称或自然人姓名", "南京某某商贸有限公司", 24),
    Column("联系电话", "subject.contact_phone", False, "11位手机号码，用于发送信用修复告知短信，可不填",
           "13812345678", 14),
    Column("处罚种类", "penalty_types", False, "仅行政处罚信息填写，多个种类用“、”分隔", "警告、罚款", 18),
    Column("罚款金额（元）", "fine_amount", False, "数字，至多两位小数，可不填", "5000.00", 14),
    Column("事由摘要", "summary", False, "失信行为的简要说明，至多2000字", "未按规定公示年度报告", 30),
    Column("已履行法定义务", "obligations_fulfilled", False,
           "从下拉列表中选择“是”或“否”，不清楚的留空；填“是”时当事人申请修复无需再上传缴款凭证", "是", 14),
)
BY_HEADER = {c.header: c for c in COLUMNS}
KIND_OF = {label: kind.value for kind, label in KIND_LABELS.items()} | {k.value: k.value for k in KIND_LABELS}
SEVERITY_OF = {label: s.value for s, label in SEVERITY_LABELS.items()} | {s.value: s.value for s in SEVERITY_LABELS}
PENALTY_SEPARATORS = re.compile(r"[、,，;；/\s]+")
DATE_PATTERNS = (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
                 re.compile(r"^(\d{4})\u5e74(\d{1,2})\u6708(\d{1,2})\u65e5$"),  # 2026年3月10日
                 re.compile(r"^(\d{4})(\d{2})(\d{2})$"))


@dataclass(frozen=True)
class RowError:
    code: str
    message: str
    column: str = ""  # the Chinese header of the column at fault, "" for the row as a whole


@dataclass(frozen=True)
class SheetRow:
    row: int  # the row number as Excel shows it (the header is row 1)
    body: dict[str, Any] | None = None  # for POST /records
    error: RowError | None = None


@dataclass
class Sheet:
    rows: list[SheetRow] = field(default_factory=list)

    @property
    def bodies(self) -> list[tuple[int, dict[str, Any]]]:
        return [(r.row, r.body) for r in self.rows if r.body is not None]


class CellRefused(Exception):
    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


# --- the template -------------------------------------------------------------------------------------------

def template(penalty_types: Iterable[str]) -> bytes:
    """The .xlsx template, made anew on each request (no binary kept in the repository): the records sheet
    with a comment on each header, drop-down lists for the kind, the severity and the yes/no column, a date
    rule on the date column; then the guide sheet, one line per column, and the penalty types allowed."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for i, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=i, value=column.header)
        cell.font, cell.fill = bold, fill
        said = ("必填。" if column.required else "选填。") + column.guide
        cell.comment = Comment(said, "xiufu", width=260, height=110)
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.freeze_panes = "A2"
    last = MAX_ROWS + 1

    def choice(header: str, values: Iterable[str], prompt: str) -> None:
        letter = get_column_letter([c.header for c in COLUMNS].index(header) + 1)
        rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                              showErrorMessage=True, errorTitle="填写有误", error=prompt, promptTitle=header,
                              prompt=prompt, showInputMessage=True)
        rule.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(rule)

    choice("信息类别", KIND_LABELS.values(), "请从列表中选择信息类别")
    choice("失信程度", SEVERITY_LABELS.values(), "请从列表中选择失信程度")
    choice("已履行法定义务", (YES, NO), "请选择“是”或“否”，不清楚的留空")
    day = get_column_letter([c.header for c in COLUMNS].index("决定日期") + 1)
    dates = DataValidation(type="date", operator="greaterThan", formula1="DATE(1990,1,1)", allow_blank=True,
                           showErrorMessage=True, errorTitle="填写有误", error="请填写日期，如 2026-03-10")
    dates.add(f"{day}2:{day}{last}")
    sheet.add_data_validation(dates)
    for row in range(2, last + 1):  # dates shown as 2026-03-10; numbers and codes kept as text
        sheet[f"{day}{row}"].number_format = "yyyy-mm-dd"
    for header in ("决定文书号", "统一社会信用代码", "公民身份号码", "联系电话"):
        letter = get_column_letter([c.header for c in COLUMNS].index(header) + 1)
        for row in range(2, last + 1):
            sheet[f"{letter}{row}"].number_format = "@"

    guide = book.create_sheet(GUIDE)
    guide.append(["列名", "是否必填", "填写要求", "示例"])
    for cell in guide[1]:
        cell.font, cell.fill = bold, fill
    for column in COLUMNS:
        guide.append([column.header, "必填" if column.required else "选填", column.guide, column.example])
    guide.append([])
    guide.append(["说明", "", f"第1行为表头，请勿修改；数据从第2行开始，每个文件至多{MAX_ROWS}行。"
                  "统一社会信用代码和公民身份号码须填写其中一项。同一文书号再次导入时，内容相同的视为已登记，"
                  "内容不同的不予登记。某一行有误不影响其他行的登记。", ""])
    guide.append(["处罚种类可填", "", "、".join(sorted(penalty_types)), ""])
    guide.append(["信息类别可填", "", "、".join(KIND_LABELS.values()), ""])
    guide.append(["失信程度可填", "", "、".join(SEVERITY_LABELS.values()), ""])
    for letter, width in (("A", 18), ("B", 10), ("C", 70), ("D", 24)):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading a filled sheet ---------------------------------------------------------------------------------

def read(data: bytes, issuer: str) -> Sheet:
    """Each non-empty row of the first sheet, as a body for POST /records (with `issuer`) or as its error.

    Refuses the file as a whole (DomainError) when it is not an .xlsx workbook, its header is not the
    template's, it has no data row or more than MAX_ROWS."""
    rows = _rows(data)
    header = next(rows, None)
    columns = _columns(header or ())
    sheet = Sheet()
    for number, cells in rows:
        if all(_blank(v) for v in cells):
            continue
        if len(sheet.rows) == MAX_ROWS:
            raise DomainError(Code.IMPORT_TOO_MANY_ROWS, max_rows=MAX_ROWS)
        sheet.rows.append(_row(number, cells, columns, issuer))
    if not sheet.rows:
        raise DomainError(Code.IMPORT_NO_ROWS)
    return sheet


def _rows(data: bytes) -> Iterator[Any]:
    """(row number, cell values) of the workbook's first sheet, read as a stream (read-only mode: a large
    sheet is never held in memory; only the template's columns are read)."""
    from openpyxl import load_workbook

    if not data.startswith(b"PK\x03\x04"):
        raise DomainError(Code.IMPORT_NOT_XLSX)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    except Exception as exc:  # noqa: BLE001 - whatever openpyxl meets in a file that is no workbook
        raise DomainError(Code.IMPORT_NOT_XLSX) from exc
    width = max(len(COLUMNS) + 8, len(first))

    def stream() -> Iterator[Any]:
        yield first
        try:
            yield from enumerate(sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise DomainError(Code.IMPORT_NOT_XLSX) from exc
        finally:
            book.close()

    return stream()


def _columns(header: Iterable[Any]) -> dict[int, Column]:
    found: dict[int, Column] = {}
    unknown, twice = [], []
    for i, value in enumerate(header):
        name = _header_name(value)
        if not name:
            continue
        column = BY_HEADER.get(name)
        if column is None:
            unknown.append(name)
        elif column in found.values():
            twice.append(name)
        else:
            found[i] = column
    missing = [c.header for c in COLUMNS if c.required and c not in found.values()]
    if missing or unknown or twice:
        said = "；".join(part for part in (
            f"缺少“{'”“'.join(missing)}”列" if missing else "",
            f"有模板以外的列“{'”“'.join(unknown)}”" if unknown else "",
            f"“{'”“'.join(twice)}”列重复" if twice else "") if part)
        raise DomainError(Code.IMPORT_BAD_HEADER,
                          f"表头与导入模板不一致：{said}。请下载导入模板，按模板第1行的列名填写",
                          missing=missing, unknown=unknown, repeated=twice)
    return found


def _header_name(value: Any) -> str:
    """A header as people retype it: spaces, a required mark (*, （必填）) and half-width brackets allowed."""
    if _blank(value):
        return ""
    name = re.sub(r"[\s*＊]", "", str(value)).replace("(", "（").replace(")", "）")
    return name.replace("（必填）", "")


def _row(number: int, cells: tuple[Any, ...], columns: dict[int, Column], issuer: str) -> SheetRow:
    body: dict[str, Any] = {"issuer": issuer}
    subject: dict[str, Any] = {}
    for i, column in columns.items():
        value = cells[i] if i < len(cells) else None
        if _blank(value):
            if column.required:
                return SheetRow(number, error=RowError(Code.MISSING_FIELD, f"“{column.header}”未填写", column.header))
            continue
        try:
            read_value = READERS[column.field](value)
        except CellRefused as refused:
            return SheetRow(number, error=RowError(refused.code, f"“{column.header}”{refused.message}", column.header))
        if column.field.startswith("subject."):
            subject[column.field.removeprefix("subject.")] = read_value
        else:
            body[column.field] = read_value
    body["subject"] = subject
    return SheetRow(number, body=body)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Any) -> str:
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number typed into a cell not kept as text: 13812345678.0
    if isinstance(value, date | datetime):
        raise CellRefused(Code.INVALID_FIELD, f"应为文字，填写的是日期“{_shown(value)}”")
    return str(value).strip()


def _label(table: dict[str, str], code: Code, allowed: Iterable[str]) -> Callable[[Any], str]:
    def read_label(value: Any) -> str:
        found = table.get(str(value).strip())
        if found is None:
            raise CellRefused(code, f"应为{'、'.join(allowed)}之一，填写的是“{_shown(value)}”")
        return found
    return read_label


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        try:  # a date cell whose format was lost: Excel's serial day number
            day = from_excel(value)
            if isinstance(day, datetime) and 1990 <= day.year <= 2100:
                return day.date().isoformat()
        except (ValueError, OverflowError, TypeError):
            pass
    text = str(value).strip()
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(g) for g in match.groups())).isoformat()
            except ValueError:
                break
    raise CellRefused(Code.INVALID_DATE, f"不是有效的日期，填写的是“{_shown(value)}”（应如 2026-03-10）")


def _amount(value: Any) -> str:
    if isinstance(value, bool):
        raise CellRefused(Code.INVALID_AMOUNT, f"应为金额数字，填写的是“{_shown(value)}”")
    if isinstance(value, int | float):
        return f"{Decimal(str(value)):f}"
    text = re.sub(r"[\s,\uff0c]|\u5143$", "", str(value).strip())
    try:
        return f"{Decimal(text):f}"
    except InvalidOperation:
        raise CellRefused(Code.INVALID_AMOUNT, f"应为金额数字，填写的是“{_shown(value)}”") from None


def _penalties(value: Any) -> list[str]:
    return [p for p in PENALTY_SEPARATORS.split(_text(value)) if p]


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip()
    if text in (YES, NO):
        return text == YES
    raise CellRefused(Code.INVALID_OBLIGATIONS, f"只能填写“是”“否”或留空，填写的是“{_shown(value)}”")


READERS: dict[str, Callable[[Any], Any]] = {
    "kind": _label(KIND_OF, Code.INVALID_KIND, KIND_LABELS.values()),
    "record_no": _text,
    "severity": _label(SEVERITY_OF, Code.INVALID_SEVERITY, SEVERITY_LABELS.values()),
    "decided_on": _date,
    "subject.uscc": _text,
    "subject.id_number": _text,
    "subject.name": _text,
    "subject.contact_phone": _text,
    "penalty_types": _penalties,
    "fine_amount": _amount,
    "summary": lambda v: _text(v) if not isinstance(v, date | datetime) else _shown(v),
    "obligations_fulfilled": _yes_no,
}
HEADER_OF_FIELD = {c.field: c.header for c in COLUMNS}


def column_of(field_path: str) -> str:
    """The Chinese header of a body's field named by a refusal (`subject.uscc`, `penalty_types.0`), or ""."""
    parts = [p for p in field_path.split(".") if not p.isdigit()]
    for n in range(len(parts), 0, -1):
        header = HEADER_OF_FIELD.get(".".join(parts[:n]))
        if header:
            return header
    return ""
