"""Write exports (streaming, write-only) and blank import templates.

Every text value is stored as a string cell (never a formula or an error value), and text that
starts like a formula (= + - @, tab, CR) also gets Excel's “quote prefix” (the leading apostrophe
a clerk would type), so re-editing the cell in Excel, WPS or LibreOffice does not evaluate it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sanzero.rates import Rate

from .columns import FORMULA_PREFIXES, Column, SheetSpec

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
RATE_FORMAT = "0.0%"
TEXT_FORMAT = "@"
TEMPLATE_ROWS = 1000  # formats and drop-downs cover rows 2..TEMPLATE_ROWS
INLINE_LIST_LIMIT = 255  # Excel's limit on a data-validation formula written inline
MAX_CELL_CHARS = 32767
HELP_SHEET = "说明"
LISTS_SHEET = "可选值"
REQUIRED_COLOR = "FFC00000"
HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")

_SHEET_TITLE_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def safe_sheet_title(title: str) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, not empty."""
    cleaned = (title or "").translate(_SHEET_TITLE_FORBIDDEN).strip("'").strip()
    return cleaned[:31] or "Sheet1"


def display_width(text: str) -> int:
    """How wide text prints, in Excel character units: a Chinese (wide) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_width(column: Column | None, header: str) -> float:
    """A readable width (in Excel character units) for a column."""
    base = display_width(header) + 4
    if column is None:
        return min(max(base, 10), 40)
    if column.kind == "text":
        wanted = min(max(column.max_length or 20, 10), 40)
    elif column.kind == "date":
        wanted = 13
    elif column.kind in ("choice", "bool"):
        wanted = max((display_width(v) for v in column.allowed_values), default=4) + 4
    else:
        wanted = 10
    return min(max(base, wanted), 50)


#: the total column width (in Excel's character units) a sheet may have and still be printed fitted to
#: one A4 landscape page width: about 130 fit at 100%, so this keeps the scale at two thirds or more
PRINT_FIT_WIDTH = 200


def print_a4_landscape(ws, *, title_rows: str = "1:1", fit_width: bool = True) -> None:
    """Print settings of every sheet the system writes: A4 landscape, ``title_rows`` repeated on each
    page, and (``fit_width``) every column on the page width, as many pages down as it takes."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.print_title_rows = title_rows
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def _naive(value: datetime) -> datetime:
    """Excel has no time zones: aware datetimes are shown in the site's time zone."""
    if value.tzinfo is None:
        return value
    try:
        from django.conf import settings

        if settings.configured:
            from django.utils import timezone

            return timezone.localtime(value).replace(tzinfo=None)
    except ImportError:  # pragma: no cover - Django is always installed in this project
        pass
    return value.astimezone(UTC).replace(tzinfo=None)


def clean_text(value: str) -> str:
    """Drop the control characters Excel cannot store and cut to Excel's cell limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS]


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def as_text(cell) -> None:
    """Keep a cell's text as text: openpyxl turns "=…" into a formula and "#N/A" and the like into an
    error value. Text that starts like a formula also gets Excel's quote prefix, so that editing the
    cell does not evaluate it either (CSV/formula injection)."""
    if isinstance(cell.value, str) and (looks_like_formula(cell.value) or cell.value.startswith("#")):
        cell.data_type = "s"
        if looks_like_formula(cell.value):
            cell.quotePrefix = True


def keep_text_as_text(workbook) -> None:
    """as_text for every cell of a (normal, not write-only) workbook: a subject named =HYPERLINK(...) or
    #N/A stays text. Call it before saving; write_rows does the same row by row."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                as_text(cell)


def _write_only_cell(ws, value: Any, column: Column | None):
    """What to append for one value: the plain value where openpyxl stores it as is (most text and
    numbers, the cheap path), a styled WriteOnlyCell where it needs a format or must be kept as text.
    None stays None: an empty cell costs nothing."""
    if value is None:
        return None
    kind = column.kind if column is not None else None
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, datetime):
        value = _naive(value)
        if kind == "date":
            value = value.date()
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        return cell
    if isinstance(value, Rate):
        value = value.shown_fraction()  # reads as the pages show it: never 100.0% while a subject fails
    if isinstance(value, (int, float, Decimal)):
        if kind != "rate":
            return value
        cell = WriteOnlyCell(ws, value)
        cell.number_format = RATE_FORMAT
        return cell
    text = clean_text(value if isinstance(value, str) else str(value))
    if not looks_like_formula(text) and not text.startswith("#"):
        return text
    cell = WriteOnlyCell(ws, text)
    as_text(cell)
    return cell


def _row_values(row: Any, columns: Sequence[Column | None], headers: Sequence[str]) -> list[Any]:
    if isinstance(row, Mapping):
        values = []
        for column, header in zip(columns, headers, strict=True):
            if column is not None and column.key in row:
                values.append(row[column.key])
            else:
                values.append(row.get(header))
        return values
    values = list(row)
    if len(values) > len(headers):
        raise ValueError(f"row has {len(values)} values for {len(headers)} columns")
    return values + [None] * (len(headers) - len(values))


def write_rows(
    path_or_stream: str | Any | IO[bytes],
    spec_or_headers: SheetSpec | Sequence[str],
    rows_iterable: Iterable[Any],
    *,
    sheet_title: str,
) -> int:
    """Stream rows into a one-sheet .xlsx (bold frozen header, then one row per item; printed A4
    landscape with the header on every page, fitted to the page width when that stays legible).

    ``rows_iterable`` yields sequences in column order, or mappings keyed by column key (with a
    spec) or by header. Dates get “yyyy-mm-dd”, rate columns “0.0%”, True/False become 是/否.
    Returns the number of data rows written.
    """
    if isinstance(spec_or_headers, SheetSpec):
        columns: list[Column | None] = list(spec_or_headers.columns)
        headers = spec_or_headers.headers
    else:
        headers = [str(h) for h in spec_or_headers]
        columns = [None] * len(headers)

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(safe_sheet_title(sheet_title))
    ws.freeze_panes = "A2"
    widths = [column_width(column, header) for column, header in zip(columns, headers, strict=True)]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    # Printed as clerks print lists: A4 landscape with the header on every page, every column on the
    # page width unless that would shrink the text below about two thirds (wide ledgers then run on).
    print_a4_landscape(ws, fit_width=sum(widths) <= PRINT_FIT_WIDTH)

    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, clean_text(header))
        cell.data_type = "s"
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)

    count = 0
    for row in rows_iterable:
        values = _row_values(row, columns, headers)
        ws.append([_write_only_cell(ws, v, c) for v, c in zip(values, columns, strict=True)])
        count += 1
    workbook.save(path_or_stream)
    return count


# -- templates ------------------------------------------------------------------------------

DEFAULT_NOTES = (
    "只读取第一个工作表；第一行是表头，请勿修改表头文字，列的顺序可以调整，不能增加表中未列出的列。",
    "红色表头为必填列（鼠标停在表头上可看到批注）；整行留空的行会被忽略。",
    "日期请填写为Excel日期，或YYYY-MM-DD格式的文本（如2026-03-05）。",
    "是/否类的列请填写“是”或“否”；有下拉列表的列只能填写列表中的值。",
    "导入时任一行有错误则整个文件都不导入，并逐行列出错误原因（第N行 列名: 原因）。",
)


def _list_formula(column: Column, lists_ws_getter, list_columns: dict[tuple[str, ...], str]) -> str:
    values = column.allowed_values
    inline = ",".join(values)
    if len(inline) + 2 <= INLINE_LIST_LIMIT and not any("," in v or '"' in v for v in values):
        return f'"{inline}"'
    # Too long (or containing a comma) for an inline list: keep the values on a hidden sheet.
    if values not in list_columns:
        lists_ws = lists_ws_getter()
        letter = get_column_letter(len(list_columns) + 1)
        lists_ws[f"{letter}1"] = column.header
        for row, value in enumerate(values, start=2):
            lists_ws[f"{letter}{row}"] = value
            lists_ws[f"{letter}{row}"].data_type = "s"
        list_columns[values] = f"{quote_sheetname(lists_ws.title)}!${letter}$2:${letter}${len(values) + 1}"
    return list_columns[values]


def _validation_for(column: Column, lists_ws_getter, list_columns) -> DataValidation | None:
    title = column.header[:32]
    if column.kind in ("choice", "bool"):
        values = column.allowed_values
        error = "请从下拉列表中选择：" + "、".join(values)
        if len(error) > 255:
            error = "请从下拉列表中选择。"
        return DataValidation(
            type="list",
            formula1=_list_formula(column, lists_ws_getter, list_columns),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle=title,
            error=error,
        )
    if column.kind in ("int", "decimal") and not column.allow_negative:
        whole = column.kind == "int"
        return DataValidation(
            type="whole" if whole else "decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle=title,
            error="请填写非负整数" if whole else "请填写非负数字",
        )
    return None


def _cell_format(column: Column) -> str | None:
    if column.kind == "date":
        return DATE_FORMAT
    if column.kind == "text":
        # Keeps codes, ID numbers and phones as typed (no 3.30102E+11, no lost 18th digit).
        return TEXT_FORMAT
    if column.kind == "rate":
        return RATE_FORMAT
    return None


def write_template(
    path_or_stream: str | Any | IO[bytes],
    spec: SheetSpec,
    *,
    title: str,
    notes: Sequence[str] = (),
) -> None:
    """A blank import template for ``spec``.

    Sheet 1 (named after the spec): the exact header texts, bold, frozen; required headers in red
    with a “必填” comment; per-column widths; date/text/rate formats and drop-down (list) or
    number validations on rows 2..1000. Sheet “说明”: title, one row per column (列名, 是否必填,
    格式/可选值, 说明) and the filling notes. Long choice lists live on a hidden sheet “可选值”.
    """
    workbook = Workbook()
    workbook.properties.title = title
    ws = workbook.active
    ws.title = safe_sheet_title(spec.name)
    ws.freeze_panes = "A2"

    lists: dict[str, Any] = {}

    def lists_ws():
        if "ws" not in lists:
            sheet = workbook.create_sheet(LISTS_SHEET)
            sheet.sheet_state = "hidden"
            lists["ws"] = sheet
        return lists["ws"]

    list_columns: dict[tuple[str, ...], str] = {}
    last = TEMPLATE_ROWS
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.data_type = "s"
        cell.font = Font(bold=True, color=REQUIRED_COLOR if column.required else None)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        comment_text = "必填。" + column.help if column.required else column.help
        if column.kind == "choice":
            comment_text = (comment_text + "\n" if comment_text else "") + column.describe_format()
        if comment_text:
            cell.comment = Comment(comment_text[:1000], "三零平台")
        ws.column_dimensions[letter].width = column_width(column, column.header)

        number_format = _cell_format(column)
        if number_format:
            ws.column_dimensions[letter].number_format = number_format
            for row in range(2, last + 1):
                ws.cell(row=row, column=index).number_format = number_format

        validation = _validation_for(column, lists_ws, list_columns)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(validation)

    _write_help_sheet(workbook.create_sheet(HELP_SHEET, index=1), spec, title, notes)
    workbook.active = 0
    workbook.save(path_or_stream)


def _write_help_sheet(ws, spec: SheetSpec, title: str, notes: Sequence[str]) -> None:
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:D1")
    headers = ("列名", "是否必填", "格式/可选值", "说明")
    for index, text in enumerate(headers, start=1):
        cell = ws.cell(row=2, column=index, value=text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 3
    for column in spec.columns:
        values = (column.header, "是" if column.required else "否", column.describe_format(), column.help)
        for index, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=index, value=clean_text(value))
            cell.data_type = "s"
            cell.alignment = wrap
        if column.required:
            ws.cell(row=row, column=1).font = Font(color=REQUIRED_COLOR)
        row += 1

    row += 1
    ws.cell(row=row, column=1, value="填写说明").font = Font(bold=True)
    for number, note in enumerate([*DEFAULT_NOTES, *notes], start=1):
        row += 1
        cell = ws.cell(row=row, column=1, value=clean_text(f"{number}. {note}"))
        cell.data_type = "s"
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    for letter, width in zip("ABCD", (22, 10, 50, 50), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3"
