"""Reading a sheet: dates as cells and as text, every bad row reported, headers in any order and spelling,
unknown and missing columns, bytes and file objects."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl

from sanzero.tests.helpers import CATEGORIES, GOOD, SPEC, make_xlsx, messages
from sanzero.xlsx import read_rows, write_rows
from sanzero.xlsx.reader import MSG_EMPTY


def test_round_trip_with_excel_dates_and_text_dates(tmp_path):
    path = tmp_path / "disputes.xlsx"
    rows = [
        GOOD,
        {
            "region_code": "330102001002",
            "subject_name": "西湖小学",
            "found_on": "2026-03-05",
            "category": "其他",
            "summary": "家长与学校争执",
            "people": 12,
            "skip_level": True,
            "target": Decimal("0.95"),
            "loss": Decimal("0.30"),
            "resolved_on": datetime(2026, 3, 9, 0, 0),
        },
    ]
    assert write_rows(path, SPEC, rows, sheet_title="矛盾纠纷") == 2

    # The first row's date is a real Excel date cell; the second's is the text "2026-03-05".
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws["C2"].is_date and ws["C2"].number_format == "yyyy-mm-dd"
    assert ws["C3"].data_type == "s" and ws["C3"].value == "2026-03-05"

    result = read_rows(path, SPEC)
    assert result.ok, messages(result)
    assert result.header == SPEC.headers
    assert result.rows == [
        (
            2,
            {
                "region_code": "330102001001",
                "subject_name": "东风村",
                "found_on": date(2026, 3, 5),
                "category": "邻里纠纷",
                "summary": "宅基地边界争执",
                "people": 2,
                "risk": "黄",
                "skip_level": False,
                "target": Decimal("0.8000"),
                "loss": Decimal("1.5"),
                "resolved_on": None,
            },
        ),
        (
            3,
            {
                "region_code": "330102001002",
                "subject_name": "西湖小学",
                "found_on": date(2026, 3, 5),
                "category": "其他",
                "summary": "家长与学校争执",
                "people": 12,
                "risk": None,
                "skip_level": True,
                "target": Decimal("0.9500"),
                "loss": Decimal("0.30"),
                "resolved_on": date(2026, 3, 9),
            },
        ),
    ]


def test_five_bad_rows_among_good_ones_are_all_reported(tmp_path):
    def row(**changes):
        values = dict(zip(SPEC.keys, GOOD, strict=True))
        values.update(changes)
        return [values[k] for k in SPEC.keys]

    path = make_xlsx(
        tmp_path / "bad.xlsx",
        [
            SPEC.headers,
            row(),  # 2 good
            row(category="吵架"),  # 3 not a category
            row(),  # 4 good
            row(found_on="2026年3月5日"),  # 5 bad date
            row(people=-3),  # 6 negative
            [],  # 7 empty: skipped
            row(summary=None),  # 8 required empty
            row(target="150%"),  # 9 rate out of range
            row(found_on=datetime(2026, 1, 2)),  # 10 good
        ],
    )
    result = read_rows(path, SPEC)
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "纠纷类别"),
        (5, "登记日期"),
        (6, "涉及人数"),
        (8, "简要情况"),
        (9, "目标达标率"),
    ]
    assert messages(result) == [
        "第3行 纠纷类别: 应为以下之一：" + "、".join(CATEGORIES),
        "第5行 登记日期: 日期格式应为YYYY-MM-DD",
        "第6行 涉及人数: 不能为负数",
        "第8行 简要情况: 必填",
        "第9行 目标达标率: 应为0到1之间的比率（如0.8、80或80%）",
    ]
    assert [n for n, _ in result.rows] == [2, 4, 10]


def test_several_errors_in_one_row_are_all_reported(tmp_path):
    path = make_xlsx(
        tmp_path / "bad.xlsx",
        [
            SPEC.headers,
            ["330102001001", None, "3/5", "吵架", "x", 1.5, "橙", "Y", "x", "x", "2026-13-01"],
        ],
    )
    result = read_rows(path, SPEC)
    assert [e.column for e in result.errors] == [
        "主体名称",
        "登记日期",
        "纠纷类别",
        "涉及人数",
        "风险等级",
        "是否越级",
        "目标达标率",
        "直接经济损失(万元)",
        "化解日期",
    ]
    assert result.rows == []


def test_any_column_order_and_only_required_columns(tmp_path):
    path = make_xlsx(
        tmp_path / "order.xlsx",
        [
            ["简要情况", "纠纷类别", "登记日期", "主体名称", "所属区划代码"],
            ["争执", "其他", "2026/03/05", "东风村", 330102001001],
        ],
    )
    result = read_rows(path, SPEC)
    assert result.ok, messages(result)
    assert result.rows == [
        (
            2,
            {
                "summary": "争执",
                "category": "其他",
                "found_on": date(2026, 3, 5),
                "subject_name": "东风村",
                "region_code": "330102001001",
            },
        )
    ]


def test_header_tolerates_spaces_fullwidth_brackets_and_a_required_star(tmp_path):
    path = make_xlsx(
        tmp_path / "h.xlsx",
        [
            ["所属区划代码*", " 主体名称 ", "登记日期＊", "纠纷类别", "简要情况", "直接经济损失（万元）", None, None],
            ["330102001001", "东风村", "2026-03-05", "其他", "争执", 2],
        ],
    )
    result = read_rows(path, SPEC)
    assert result.ok, messages(result)
    assert result.rows[0][1]["loss"] == Decimal(2)
    assert result.header[-1] == "直接经济损失（万元）"  # trailing empty header cells dropped


def test_unknown_duplicate_and_missing_columns(tmp_path):
    path = make_xlsx(
        tmp_path / "h.xlsx",
        [
            ["所属区划代码", "主体名称", "登记日期", "纠纷类别", "备注信息", "登记日期"],
            ["330102001001", "东风村", "2026-03-05", "其他"],
        ],
    )
    result = read_rows(path, SPEC)
    assert result.rows == []
    assert messages(result) == [
        "重复的列：登记日期（第F列）",
        "未知列：备注信息（可用列：" + "、".join(SPEC.headers) + "）",
        "缺少必填列：简要情况",
    ]
    assert all(e.row is None for e in result.errors)


def test_missing_required_column(tmp_path):
    headers = [h for h in SPEC.headers if h != "登记日期"]
    path = make_xlsx(tmp_path / "m.xlsx", [headers])
    assert messages(read_rows(path, SPEC)) == ["缺少必填列：登记日期"]


def test_values_without_a_header_are_errors_not_silently_dropped(tmp_path):
    headers = ["所属区划代码", "主体名称", None, "登记日期", "纠纷类别", "简要情况"]
    path = make_xlsx(
        tmp_path / "x.xlsx",
        [
            headers,
            ["330102001001", "东风村", None, "2026-03-05", "其他", "争执"],
            ["330102001001", "东风村", "备注", "2026-03-05", "其他", "争执", None, "多余"],
        ],
    )
    result = read_rows(path, SPEC)
    assert messages(result) == ["第3行 第C列: 该列没有表头，内容无法识别", "第3行 第H列: 该列没有表头，内容无法识别"]
    assert [n for n, _ in result.rows] == [2]


def test_empty_workbook(tmp_path):
    path = make_xlsx(tmp_path / "empty.xlsx", [])
    result = read_rows(path, SPEC)
    assert messages(result) == [MSG_EMPTY] == ["工作表为空，缺少表头行"]


def test_blank_first_row_is_not_a_header(tmp_path):
    path = make_xlsx(tmp_path / "gap.xlsx", [[], SPEC.headers])
    assert messages(read_rows(path, SPEC)) == ["第1行应为表头行，当前为空"]


def test_header_only_file_is_ok_with_no_rows(tmp_path):
    path = make_xlsx(tmp_path / "header.xlsx", [SPEC.headers])
    result = read_rows(path, SPEC)
    assert result.ok and result.rows == []


def test_a_wrong_dimension_in_the_file_does_not_lose_rows(tmp_path):
    path = make_xlsx(tmp_path / "dim.xlsx", [SPEC.headers, GOOD, GOOD, GOOD])
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    assert '<dimension ref="A1:K4"' in xml
    parts["xl/worksheets/sheet1.xml"] = xml.replace('<dimension ref="A1:K4"', '<dimension ref="A1"').encode()
    lying = tmp_path / "lying_dim.xlsx"
    with zipfile.ZipFile(lying, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    result = read_rows(lying, SPEC)
    assert result.ok, messages(result)
    assert [n for n, _ in result.rows] == [2, 3, 4]


def test_reads_from_bytes_and_file_objects(tmp_path):
    buffer = io.BytesIO()
    write_rows(buffer, SPEC, [GOOD], sheet_title="矛盾纠纷")
    data = buffer.getvalue()
    assert read_rows(data, SPEC).rows[0][0] == 2
    assert read_rows(io.BytesIO(data), SPEC).ok
    path = tmp_path / "upload.tmp"  # Django's temporary uploads have no .xlsx suffix
    path.write_bytes(data)
    assert read_rows(path, SPEC).ok
    assert read_rows(str(path), SPEC).ok


def test_error_list_is_capped(tmp_path):
    path = make_xlsx(tmp_path / "many.xlsx", [SPEC.headers] + [["x"] * 11 for _ in range(50)])
    result = read_rows(path, SPEC, max_errors=20)
    assert len(result.errors) == 21
    assert str(result.errors[-1]) == "错误过多，已停止检查（仅列出前20条）"
