"""Writing sheets: formula-looking text stays text, formats and print setup, streaming, the import templates."""

import zipfile
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from sanzero.tests.helpers import CATEGORIES, GOOD, SPEC
from sanzero.xlsx import Column, SheetSpec, read_rows, write_rows, write_template


def test_formula_looking_text_is_written_as_a_string(tmp_path):
    path = tmp_path / "export.xlsx"
    values = ["=1+1", "+86 138", "-5", "@SUM(A1)", "#N/A", "普通文本"]
    count = write_rows(path, ["内容"], ([v] for v in values), sheet_title="导出")
    assert count == len(values)

    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    assert "<t>=1+1</t>" in xml

    ws = openpyxl.load_workbook(path).worksheets[0]
    cells = [ws.cell(row=r, column=1) for r in range(2, 2 + len(values))]
    assert [c.value for c in cells] == values
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [True, True, True, True, False, False]

    ro = openpyxl.load_workbook(path, read_only=True, data_only=True)
    assert [r[0] for r in ro.worksheets[0].iter_rows(min_row=2, values_only=True)] == values
    ro.close()


def test_write_rows_formats_and_cleans(tmp_path):
    path = tmp_path / "export.xlsx"
    spec = SheetSpec(
        "导出",
        [
            Column("日期", "d", kind="date"),
            Column("时间", "t"),
            Column("比率", "r", kind="rate"),
            Column("标志", "b", kind="bool"),
            Column("文本", "x"),
        ],
    )
    rows = [
        {
            "d": datetime(2026, 3, 5, 14, 30),
            "t": datetime(2026, 3, 5, 14, 30),
            "r": Decimal("0.962"),
            "b": True,
            "x": "含\x07控制字符",
        }
    ]
    write_rows(path, spec, rows, sheet_title="导出[1]")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert wb.sheetnames == ["导出_1_"]
    assert ws.freeze_panes == "A2"
    assert (ws.page_setup.orientation, ws.page_setup.paperSize, ws.print_title_rows) == (
        "landscape",
        9,
        "$1:$1",
    )  # 9: A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    # A sheet too wide to fit legibly keeps its size and runs on to further pages instead.
    wide = SheetSpec("宽表", [Column(f"很长的列名称第{i}列", f"c{i}") for i in range(20)])
    write_rows(tmp_path / "wide.xlsx", wide, [], sheet_title="宽表")
    wide_ws = openpyxl.load_workbook(tmp_path / "wide.xlsx").worksheets[0]
    assert wide_ws.page_setup.orientation == "landscape" and not wide_ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws["A1"].font.b
    assert ws["A2"].value == datetime(2026, 3, 5) and ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["B2"].value == datetime(2026, 3, 5, 14, 30) and ws["B2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert ws["C2"].value == pytest.approx(0.962) and ws["C2"].number_format == "0.0%"
    assert ws["D2"].value == "是"
    assert ws["E2"].value == "含控制字符"


def test_write_rows_streams_a_generator(tmp_path):
    path = tmp_path / "many.xlsx"
    count = write_rows(path, SPEC, (GOOD for _ in range(2000)), sheet_title="矛盾纠纷")
    assert count == 2000
    result = read_rows(path, SPEC)
    assert result.ok and len(result.rows) == 2000 and result.rows[-1][0] == 2001


def test_template(tmp_path):
    long_choices = [f"类别{i:03d}很长的名称" for i in range(40)]  # > 255 characters when joined
    spec = SPEC.replace_column("category", choices=long_choices)
    path = tmp_path / "template.xlsx"
    write_template(path, spec, title="矛盾纠纷台账导入模板", notes=["所属区划代码为12位。"])

    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["矛盾纠纷", "说明", "可选值"]
    assert wb["可选值"].sheet_state == "hidden"
    ws = wb["矛盾纠纷"]
    assert [c.value for c in ws[1]] == spec.headers  # exact names, no "*"
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b and ws["A1"].font.color.rgb == "FFC00000"  # required: red
    assert ws["F1"].font.color is None  # 涉及人数 is optional
    assert "必填" in ws["A1"].comment.text
    assert ws.column_dimensions["C"].width >= 12

    # Date columns (登记日期 C, 化解日期 K) are date-formatted on rows 2..1000; text columns are "@".
    for row in (2, 500, 1000):
        assert ws[f"C{row}"].number_format == "yyyy-mm-dd"
        assert ws[f"K{row}"].number_format == "yyyy-mm-dd"
        assert ws[f"A{row}"].number_format == "@"

    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    risk = validations["G2:G1000"]
    assert risk.type == "list" and risk.formula1 == '"红,黄,蓝"'
    assert validations["H2:H1000"].formula1 == '"是,否"'
    category = validations["D2:D1000"]
    assert category.type == "list" and category.formula1 == "'可选值'!$A$2:$A$41"
    assert [wb["可选值"].cell(row=r, column=1).value for r in range(2, 42)] == long_choices
    assert validations["F2:F1000"].type == "whole"

    help_ws = wb["说明"]
    assert help_ws["A1"].value == "矛盾纠纷台账导入模板"
    assert [c.value for c in help_ws[2]][:4] == ["列名", "是否必填", "格式/可选值", "说明"]
    table = {
        help_ws.cell(row=r, column=1).value: [help_ws.cell(row=r, column=c).value for c in (2, 3, 4)]
        for r in range(3, 3 + len(spec))
    }
    assert list(table) == spec.headers
    assert table["简要情况"] == ["是", "文本，不超过200个字符", "一两句话说清楚纠纷经过"]
    assert table["风险等级"][:2] == ["否", "可选值：红、黄、蓝"]
    assert table["登记日期"][1].startswith("日期")
    notes = [help_ws.cell(row=r, column=1).value for r in range(1, help_ws.max_row + 1)]
    assert any(n and n.endswith("所属区划代码为12位。") for n in notes)

    # The blank template itself is a valid, empty import.
    result = read_rows(path, spec)
    assert result.ok and result.rows == []


def test_template_inline_list_fits_the_design_categories(tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(path, SPEC, title="模板")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["矛盾纠纷", "说明"]  # no hidden sheet needed
    formulas = {str(dv.sqref): dv.formula1 for dv in wb.worksheets[0].data_validations.dataValidation}
    assert formulas["D2:D1000"] == '"' + ",".join(CATEGORIES) + '"'
