"""A published bulletin's print files, made once from its stored document and kept with it.

- xlsx (openpyxl through sanzero.xlsx.writer's helpers): sheet 通报, the print-ready bulletin (A4, every
  column on the page width, the ranking's header repeated); sheet 排名数据, the ranking alone, one row per
  township under a one-row header, rates as numbers formatted as percentages. keep_text_as_text guards
  every cell (a township named "=…" stays text).
- pdf (reportlab): the bulletin as an A4 document in the red-headed style of a 通报, with a CJK font
  embedded (WenQuanYi Micro Hei where fonts-wqy-microhei is installed, else the Adobe STSong-Light CID
  font every PDF reader has). Written with reportlab's invariant mode: the same document gives the same bytes.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from sanzero.xlsx.writer import display_width, keep_text_as_text, print_a4_landscape

PERCENT = "0.0%"
POINTS = "+0.0%;-0.0%;0.0%"
FONT = "宋体"
THIN = Side(style="thin", color="FF000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
RED_FILL = PatternFill("solid", fgColor="FFFCE4E4")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)

DATA_SHEET = "排名数据"
PRINT_SHEET = "通报"
DATA_HEADERS = [
    "排名",
    "区划代码",
    "乡镇(街道)",
    "主体总数",
    "三零达标数",
    "三零达标率",
    "村(社区)达标率",
    "村(社区)目标",
    "村(社区)差距",
    "单位(企业)达标率",
    "单位(企业)目标",
    "单位(企业)差距",
    "超期未办结数",
]
#: the data sheet's number format per column (1-based)
DATA_FORMATS = {6: PERCENT, 7: PERCENT, 8: PERCENT, 9: POINTS, 10: PERCENT, 11: PERCENT, 12: POINTS}


def ranking_values(row: dict) -> list:
    """One township's cells of the 排名数据 sheet, in DATA_HEADERS order."""
    v, u = row["village"], row["unit"]
    return [
        row["rank"],
        row["code"],
        row["name"],
        row["total"],
        row["passed"],
        row["rate_value"],
        v["rate_value"],
        v["target_value"],
        v["gap_value"],
        u["rate_value"],
        u["target_value"],
        u["gap_value"],
        row["overdue"],
    ]


def render_xlsx(document: dict, *, sha256: str = "", stamp: datetime.datetime | None = None) -> bytes:
    wb = Workbook()
    wb.properties.title = document["title"]
    wb.properties.creator = "三零创建管理系统"
    if stamp is not None:
        wb.properties.created = wb.properties.modified = stamp.replace(tzinfo=None)
    _print_sheet(wb.active, document, sha256)
    _data_sheet(wb.create_sheet(DATA_SHEET), document)
    wb.active = 0
    keep_text_as_text(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _data_sheet(ws, document: dict) -> None:
    bold = Font(name=FONT, size=10, bold=True)
    font = Font(name=FONT, size=10)
    for col, header in enumerate(DATA_HEADERS, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font, cell.fill, cell.alignment, cell.border = bold, HEADER_FILL, CENTER, BORDER
    for r, row in enumerate(document["ranking"], start=2):
        for col, value in enumerate(ranking_values(row), start=1):
            cell = ws.cell(row=r, column=col, value=value)
            cell.font, cell.border = font, BORDER
            if col == 2:
                cell.data_type, cell.number_format = "s", "@"
            if col in DATA_FORMATS:
                cell.number_format = DATA_FORMATS[col]
    for col, header in enumerate(DATA_HEADERS, start=1):
        names = [display_width(r["name"]) for r in document["ranking"]] if col == 3 else []
        ws.column_dimensions[get_column_letter(col)].width = max([display_width(header) + 2, *names, 8]) + 1
    ws.freeze_panes = "D2"
    print_a4_landscape(ws)


PRINT_COLUMNS = 12


def _merged(ws, row: int, text: str, *, font: Font, align: Alignment = WRAP, height: float | None = None) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=PRINT_COLUMNS)
    cell = ws.cell(row=row, column=1, value=text)
    cell.font, cell.alignment = font, align
    if height:
        ws.row_dimensions[row].height = height


def _lines_height(text: str, per_line: int = 70) -> float:
    lines = sum(max(1, -(-display_width(part) // per_line)) for part in (text or "").splitlines() or [""])
    return 16 * lines + 4


def _print_sheet(ws, doc: dict, sha256: str) -> None:
    ws.title = PRINT_SHEET
    title_font = Font(name=FONT, size=18, bold=True, color="FFC00000")
    head = Font(name=FONT, size=12, bold=True)
    font = Font(name=FONT, size=11)
    small = Font(name=FONT, size=9)
    bold = Font(name=FONT, size=10, bold=True)
    cell_font = Font(name=FONT, size=10)
    row = 1
    _merged(ws, row, "“三零”创建工作通报", font=title_font, align=CENTER, height=34)
    row += 1
    _merged(ws, row, doc["number_text"], font=font, align=CENTER, height=20)
    row += 1
    _merged(ws, row, f"{doc['issuer']}　　　　{doc['issued_text']}", font=font, align=CENTER, height=20)
    row += 1
    _merged(ws, row, doc["title"], font=head, align=CENTER, height=30)
    row += 1
    _merged(ws, row, doc["intro"], font=font, height=_lines_height(doc["intro"]))
    row += 2
    _merged(ws, row, f"一、各乡镇(街道)“三零”创建达标情况排名（{doc['period_text']}）", font=head, height=22)
    row += 1
    header_row = row
    for col, header in enumerate(doc["headers"], start=1):
        cell = ws.cell(row=row, column=col, value=header)
        cell.font, cell.fill, cell.alignment, cell.border = bold, HEADER_FILL, CENTER, BORDER
    ws.row_dimensions[row].height = 30
    body = list(doc["ranking"]) + ([{**doc["total"], "name": f"{doc['region']['name']}合计"}] if doc["total"] else [])
    for r in body:
        row += 1
        values = ranking_values(r)
        values = [values[0], *values[2:]]  # the print sheet has no 区划代码 column
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.font, cell.border, cell.alignment = (bold if r.get("rank") is None else cell_font), BORDER, CENTER
            if col + 1 in DATA_FORMATS:
                cell.number_format = DATA_FORMATS[col + 1]
            if r.get("below"):
                cell.fill = RED_FILL
    row += 2
    top = "、".join(f"{t['name']}（{t['rate']}）" for t in doc["top"]) or "—"
    bottom = "、".join(f"{t['name']}（{t['rate']}）" for t in doc["bottom"]) or "—"
    _merged(ws, row, f"二、排名前三：{top}；排名靠后：{bottom}。", font=font, height=_lines_height(top + bottom, 60))
    row += 2
    _merged(ws, row, "三、红黑榜", font=head, height=22)
    for board, label in (("red", "红榜"), ("black", "黑榜")):
        row += 1
        for col, text in ((1, label), (2, "单位"), (4, "理由")):
            cell = ws.cell(row=row, column=col, value=text)
            cell.font, cell.alignment, cell.fill = bold, CENTER, HEADER_FILL
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
        ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=PRINT_COLUMNS)
        entries = doc[board] or [{"name": "（无）", "reason": ""}]
        for entry in entries:
            row += 1
            ws.cell(row=row, column=2, value=entry["name"]).font = cell_font
            reason = ws.cell(row=row, column=4, value=entry["reason"])
            reason.font, reason.alignment = cell_font, WRAP
            ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
            ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=PRINT_COLUMNS)
            ws.row_dimensions[row].height = _lines_height(entry["reason"], 60)
    row += 2
    _merged(ws, row, "四、督办事项", font=head, height=22)
    for i, item in enumerate(doc["supervised"] or ["本期无督办事项。"], start=1):
        row += 1
        _merged(ws, row, f"{i}. {item}" if doc["supervised"] else item, font=font, height=_lines_height(item))
    row += 2
    _merged(ws, row, "五、工作要求", font=head, height=22)
    row += 1
    _merged(ws, row, doc["requirements"] or "—", font=font, height=_lines_height(doc["requirements"]))
    row += 2
    _merged(ws, row, f"{doc['issuer']}", font=font, align=Alignment(horizontal="right"), height=20)
    row += 1
    _merged(ws, row, doc["issued_text"], font=font, align=Alignment(horizontal="right"), height=20)
    if sha256:
        row += 2
        _merged(ws, row, f"数据来源：{doc['month']}月度快照（年度累计）。内容校验码：{sha256}", font=small)
    widths = [6, 16, 8, 9, 9, 9, 8, 8, 9, 8, 8, 9]
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    print_a4_landscape(ws, title_rows=f"{header_row}:{header_row}")
    ws.page_setup.orientation = "portrait"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


# --- PDF -----------------------------------------------------------------------------------------

WQY_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
_FONT_NAME: str | None = None


def pdf_font() -> str:
    """The CJK font the PDF is set in: WenQuanYi Micro Hei embedded when installed, else STSong-Light."""
    global _FONT_NAME
    if _FONT_NAME is None:
        from reportlab.pdfbase import pdfmetrics

        if WQY_FONT.exists():
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont("WenQuanYi", str(WQY_FONT), subfontIndex=0))
            _FONT_NAME = "WenQuanYi"
        else:  # pragma: no cover - the machines have fonts-wqy-microhei
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
            _FONT_NAME = "STSong-Light"
    return _FONT_NAME


def render_pdf(document: dict, *, sha256: str = "") -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = pdf_font()
    red = colors.HexColor("#C00000")
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK", firstLineIndent=21)
    plain = ParagraphStyle("plain", parent=base, firstLineIndent=0)
    masthead = ParagraphStyle("mast", fontName=font, fontSize=26, leading=34, alignment=TA_CENTER, textColor=red)
    centre = ParagraphStyle("centre", parent=plain, alignment=TA_CENTER)
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=22, alignment=TA_CENTER, spaceBefore=6)
    head = ParagraphStyle("head", fontName=font, fontSize=12, leading=20, spaceBefore=8, spaceAfter=3)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, alignment=TA_CENTER, wordWrap="CJK")
    cell_left = ParagraphStyle("cellleft", parent=cell, alignment=0)
    right = ParagraphStyle("right", parent=plain, alignment=TA_RIGHT)
    small = ParagraphStyle("small", parent=plain, fontSize=7, leading=9, textColor=colors.grey)

    def p(text, style=base):
        return Paragraph(escape(str(text if text is not None else "")).replace("\n", "<br/>"), style)

    doc = document
    story = [
        p("“三零”创建工作通报", masthead),
        p(doc["number_text"], centre),
        Spacer(1, 2 * mm),
        Table(
            [[p(doc["issuer"], plain), p(doc["issued_text"], right)]],
            colWidths=[110 * mm, 60 * mm],
            style=TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]),
        ),
        HRFlowable(width="100%", thickness=1.5, color=red, spaceBefore=2, spaceAfter=6),
        p(doc["title"], title),
        Spacer(1, 3 * mm),
        p(doc["intro"]),
        p(f"一、各乡镇(街道)“三零”创建达标情况排名（{doc['period_text']}）", head),
    ]
    data = [[p(h, cell) for h in doc["headers"]]]
    body = list(doc["ranking"]) + ([{**doc["total"], "name": f"{doc['region']['name']}合计"}] if doc["total"] else [])
    shaded = []
    for i, r in enumerate(body, start=1):
        v, u = r["village"], r["unit"]
        values = [
            r["rank"] or "",
            r["name"],
            r["total"],
            r["passed"],
            r["rate"],
            v["rate"],
            v["target"],
            v["gap"],
            u["rate"],
            u["target"],
            u["gap"],
            r["overdue"],
        ]
        data.append([p(x, cell_left if j == 1 else cell) for j, x in enumerate(values)])
        if r.get("below"):
            shaded.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#FCE4E4")))
    widths = [9, 24, 13, 13, 15, 15, 13, 13, 15, 13, 13, 14]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                *shaded,
            ]
        )
    )
    story.append(table)
    top = "、".join(f"{t['name']}（{t['rate']}）" for t in doc["top"]) or "—"
    bottom = "、".join(f"{t['name']}（{t['rate']}）" for t in doc["bottom"]) or "—"
    story += [p(f"二、排名前三：{top}；排名靠后：{bottom}。", head), p("三、红黑榜", head)]
    for board, label in (("red", "红榜"), ("black", "黑榜")):
        rows = [[p(label, cell), p("单位", cell), p("理由", cell)]]
        for entry in doc[board] or [{"name": "（无）", "reason": ""}]:
            rows.append([p("", cell), p(entry["name"], cell_left), p(entry["reason"], cell_left)])
        t = Table(rows, colWidths=[14 * mm, 30 * mm, 126 * mm])
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#FCE4E4" if board == "red" else "#E7E6E6")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story += [t, Spacer(1, 2 * mm)]
    story.append(p("四、督办事项", head))
    for i, item in enumerate(doc["supervised"], start=1):
        story.append(p(f"{i}. {item}"))
    if not doc["supervised"]:
        story.append(p("本期无督办事项。"))
    story += [p("五、工作要求", head), p(doc["requirements"] or "—"), Spacer(1, 8 * mm)]
    story += [p(doc["issuer"], right), p(doc["issued_text"], right)]
    if sha256:
        story += [Spacer(1, 6 * mm), p(f"数据来源：{doc['month']}月度快照（年度累计）。内容校验码：{sha256}", small)]

    def footer(canvas, pdf_doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"— {pdf_doc.page} —")
        canvas.restoreState()

    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=doc["title"],
        author=doc["issuer"],
        creator="三零创建管理系统",
        invariant=1,
    )
    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
