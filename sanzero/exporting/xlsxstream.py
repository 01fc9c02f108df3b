"""A lean streaming .xlsx writer for flat list exports (one sheet, one header row, then data rows).

Why not openpyxl's write-only mode (sanzero.xlsx.write_rows)? It builds an XML element per cell and
serialises it in pure Python: about 17 s of CPU for 60,000 subjects × 15 columns on the dev machine,
most of the 20 s budget of a full-county export. This writer produces the same sheet by writing the
worksheet XML as text straight into the zip entry: about a tenth of the time, constant memory.

The sheet matches write_rows: bold frozen header, column widths from sanzero.xlsx (column_width),
dates as real dates (yyyy-mm-dd), numbers as numbers, 是/否 for flags, and every text value stored as
text (an inline string: never a formula or an error value). Text that starts like a formula
(= + - @, tab, CR) also gets Excel's quote prefix, so re-editing the cell in Excel, WPS or
LibreOffice does not evaluate it. Control characters Excel cannot store are dropped (clean_text).
"""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

from openpyxl.utils import get_column_letter

from sanzero.xlsx import SheetSpec
from sanzero.xlsx.writer import _naive, clean_text, column_width, looks_like_formula, safe_sheet_title

EXCEL_EPOCH = datetime.date(1899, 12, 30)
EXCEL_EPOCH_DT = datetime.datetime(1899, 12, 30)
#: rows are joined and written to the zip entry in batches of this many
BATCH_ROWS = 500

# cellXfs indexes in STYLES_XML
STYLE_HEADER, STYLE_DATE, STYLE_DATETIME, STYLE_QUOTED = 1, 2, 3, 4

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES_XML = XML_HEAD + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

ROOT_RELS_XML = XML_HEAD + (
    f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{REL_NS}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

WORKBOOK_RELS_XML = XML_HEAD + (
    f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)

APP_XML = XML_HEAD + (
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>三零创建管理系统</Application></Properties>"
)

_XF = '<xf numFmtId="{fmt}" fontId="{font}" fillId="0" borderId="0" xfId="0"{extra}/>'
STYLES_XML = XML_HEAD + (
    f'<styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    + _XF.format(fmt=0, font=0, extra="")
    + _XF.format(fmt=0, font=1, extra=' applyFont="1"')
    + _XF.format(fmt=164, font=0, extra=' applyNumberFormat="1"')
    + _XF.format(fmt=165, font=0, extra=' applyNumberFormat="1"')
    + _XF.format(fmt=0, font=0, extra=' quotePrefix="1"')
    + "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _text_cell(ref: str, text: str, style: int = 0) -> str:
    text = clean_text(text)
    if style == 0 and looks_like_formula(text):
        style = STYLE_QUOTED
    s = f' s="{style}"' if style else ""
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'<c r="{ref}" t="inlineStr"{s}><is><t{space}>{_escape(text)}</t></is></c>'


def _cell(ref: str, value: Any) -> str:
    """One cell's XML; an empty string for None (an empty cell costs nothing)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _text_cell(ref, value)
    if isinstance(value, bool):
        return _text_cell(ref, "是" if value else "否")
    if isinstance(value, datetime.datetime):
        value = _naive(value)
        delta = value - EXCEL_EPOCH_DT
        serial = delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
        return f'<c r="{ref}" s="{STYLE_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="{STYLE_DATE}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, Decimal):
        if not value.is_finite():
            return _text_cell(ref, str(value))
        return f'<c r="{ref}"><v>{format(value, "f")}</v></c>'
    return _text_cell(ref, str(value))


def _core_xml(title: str) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return XML_HEAD + (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_escape(clean_text(title))}</dc:title><dc:creator>三零创建管理系统</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def write_table(stream: IO[bytes] | str, spec: SheetSpec, rows: Iterable[Sequence[Any]], *, sheet_title: str) -> int:
    """Stream `rows` (sequences in column order) into a one-sheet .xlsx; return the number of data rows."""
    headers = spec.headers
    width = len(headers)
    letters = [get_column_letter(i) for i in range(1, width + 1)]
    title = safe_sheet_title(sheet_title)
    count = 0
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        archive.writestr("_rels/.rels", ROOT_RELS_XML)
        archive.writestr("docProps/app.xml", APP_XML)
        archive.writestr("docProps/core.xml", _core_xml(title))
        archive.writestr("xl/workbook.xml", XML_HEAD + (
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView/></bookViews>'
            f'<sheets><sheet name="{_attr(title)}" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS_XML)
        archive.writestr("xl/styles.xml", STYLES_XML)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            cols = "".join(
                f'<col min="{i}" max="{i}" width="{column_width(column, column.header):g}" customWidth="1"/>'
                for i, column in enumerate(spec.columns, start=1)
            )
            header = "".join(_text_cell(f"{letters[i]}1", h, STYLE_HEADER) for i, h in enumerate(headers))
            sheet.write((XML_HEAD + (
                f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
                f'<row r="1">{header}</row>')).encode())
            batch: list[str] = []
            for row in rows:
                values = list(row)
                if len(values) > width:
                    raise ValueError(f"row has {len(values)} values for {width} columns")
                count += 1
                number = count + 1
                batch.append(f'<row r="{number}">'
                             + "".join(_cell(f"{letters[i]}{number}", v) for i, v in enumerate(values))
                             + "</row>")
                if len(batch) >= BATCH_ROWS:
                    sheet.write("".join(batch).encode())
                    batch.clear()
            batch.append("</sheetData></worksheet>")
            sheet.write("".join(batch).encode())
    return count
