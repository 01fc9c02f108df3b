"""The Excel engine's framework layer: column parsing, the guarded reader, the writers."""

import io
import resource
import struct
import time
import tracemalloc
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from sanzero.xlsx import CellError, Column, RowError, SheetSpec, read_rows, write_rows, write_template
from sanzero.xlsx.reader import MSG_BOMB, MSG_EMPTY, MSG_NOT_XLSX, MSG_UNREADABLE

CATEGORIES = ["婚姻家庭", "邻里纠纷", "土地山林", "宅基地", "劳资纠纷", "民间借贷", "合同债务",
              "征地拆迁", "交通事故", "医疗纠纷", "物业纠纷", "环境污染", "其他"]

SPEC = SheetSpec("矛盾纠纷", [
    Column("所属区划代码", "region_code", required=True, max_length=12),
    Column("主体名称", "subject_name", required=True, max_length=50),
    Column("登记日期", "found_on", required=True, kind="date"),
    Column("纠纷类别", "category", required=True, kind="choice", choices=CATEGORIES),
    Column("简要情况", "summary", required=True, max_length=200, help="一两句话说清楚纠纷经过"),
    Column("涉及人数", "people", kind="int"),
    Column("风险等级", "risk", kind="choice", choices=["红", "黄", "蓝"]),
    Column("是否越级", "skip_level", kind="bool"),
    Column("目标达标率", "target", kind="rate"),
    Column("直接经济损失(万元)", "loss", kind="decimal"),
    Column("化解日期", "resolved_on", kind="date"),
])

GOOD = ["330102001001", "东风村", date(2026, 3, 5), "邻里纠纷", "宅基地边界争执", 2, "黄", "否", "80%",
        "1.5", None]


def make_xlsx(path, rows, *, title="Sheet"):
    """A plain openpyxl workbook with ``rows`` on the first sheet, exactly as given."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def messages(result):
    return [str(e) for e in result.errors]


# -- Column.parse ---------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (datetime(2026, 3, 5, 0, 0), date(2026, 3, 5)),
    (date(2026, 3, 5), date(2026, 3, 5)),
    ("2026-03-05", date(2026, 3, 5)),
    (" 2026/3/5 ", date(2026, 3, 5)),
    (None, None),
    ("  ", None),
])
def test_date_accepts_excel_dates_and_iso_text(value, expected):
    assert Column("日期", "d", kind="date").parse(value) == expected


@pytest.mark.parametrize("value", ["2026.03.05", "05/03/2026", "2026-03-05 10:00", "昨天", 46086, 46086.5,
                                   "2026-03/05"])
def test_date_refuses_anything_else(value):
    with pytest.raises(CellError, match="^日期格式应为YYYY-MM-DD$"):
        Column("日期", "d", kind="date").parse(value)


def test_date_refuses_a_day_that_does_not_exist():
    with pytest.raises(CellError, match="日期无效：2026-02-30"):
        Column("日期", "d", kind="date").parse("2026-02-30")


def test_bool_only_shi_or_fou():
    col = Column("是否越级", "b", kind="bool")
    assert col.parse("是") is True
    assert col.parse(" 否 ") is False
    assert col.parse(None) is None
    for bad in ("Y", "N", "yes", True, 1, "对"):
        with pytest.raises(CellError, match="应为“是”或“否”"):
            col.parse(bad)


@pytest.mark.parametrize(("value", "expected"), [(3, 3), (3.0, 3), ("3", 3), (" 12 ", 12), ("4.0", 4), (0, 0)])
def test_int_accepts_whole_numbers(value, expected):
    assert Column("人数", "n", kind="int").parse(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    (3.5, "应为整数"), ("3.5", "应为整数"), ("三", "应为整数"), ("1,000", "应为整数"), (True, "应为整数"),
    (float("nan"), "应为整数"), (-1, "不能为负数"), ("-2", "不能为负数"), (-2.0, "不能为负数"),
])
def test_int_refuses_fractions_text_and_negatives(value, message):
    with pytest.raises(CellError, match=f"^{message}$"):
        Column("人数", "n", kind="int").parse(value)


def test_decimal():
    col = Column("损失", "x", kind="decimal")
    assert col.parse(1.1) == Decimal("1.1")
    assert col.parse("2.50") == Decimal("2.50")
    assert col.parse(3) == Decimal(3)
    with pytest.raises(CellError, match="不能为负数"):
        col.parse(-0.5)
    with pytest.raises(CellError, match="应为数字"):
        col.parse("很多")
    assert Column("差额", "y", kind="decimal", allow_negative=True).parse("-1.5") == Decimal("-1.5")


def test_choice_must_be_exact():
    col = Column("风险等级", "r", kind="choice", choices=["红", "黄", "蓝"])
    assert col.parse(" 黄 ") == "黄"
    with pytest.raises(CellError, match="^应为以下之一：红、黄、蓝$"):
        col.parse("红色")


@pytest.mark.parametrize("value", [0.8, 80, "80%", "80 %", "80％", "0.8", Decimal("0.8"), "80"])
def test_rate_forms(value):
    assert Column("目标达标率", "t", kind="rate").parse(value) == Decimal("0.8000")


def test_rate_bounds_and_rounding():
    col = Column("目标达标率", "t", kind="rate")
    assert col.parse(1) == Decimal("1.0000")
    assert col.parse("100%") == Decimal("1.0000")
    assert col.parse("96.25%") == Decimal("0.9625")
    assert col.parse(0.962449) == Decimal("0.9624")
    assert col.parse(0) == Decimal("0.0000")
    for bad in ("150%", 150, -0.1, "-5%", "八成"):
        with pytest.raises(CellError, match="0到1之间"):
            col.parse(bad)


def test_text_is_stripped_and_limited():
    col = Column("名称", "n", max_length=5)
    assert col.parse("  东风村\u3000") == "东风村"
    assert col.parse("=1+1") == "=1+1"  # kept as text; the writer neutralises it
    assert Column("代码", "c").parse(330102001001) == "330102001001"
    assert Column("电话", "p").parse(13812341234.0) == "13812341234"
    assert Column("日期文本", "t").parse(datetime(2026, 3, 5)) == "2026-03-05"
    with pytest.raises(CellError, match="^不能超过5个字符（当前6个）$"):
        col.parse("一二三四五六")


def test_required_empty_is_bizhi():
    for kind, extra in (("text", {}), ("date", {}), ("int", {}), ("choice", {"choices": ["a"]})):
        with pytest.raises(CellError, match="^必填$"):
            Column("列", "k", required=True, kind=kind, **extra).parse("  ")


def test_spec_refuses_bad_declarations():
    with pytest.raises(ValueError):
        Column("x", "x", kind="money")
    with pytest.raises(ValueError):
        Column("x", "x", kind="choice")
    with pytest.raises(ValueError):
        SheetSpec("s", [Column("a", "a"), Column("a", "b")])
    with pytest.raises(ValueError):
        SheetSpec("s", [Column("a", "k"), Column("b", "k")])
    spec = SPEC.replace_column("risk", choices=["红", "黄", "蓝", "橙"])
    assert spec.column("risk").choices == ("红", "黄", "蓝", "橙")
    assert SPEC.column("risk").choices == ("红", "黄", "蓝")


# -- reading ------------------------------------------------------------------------------


def test_round_trip_with_excel_dates_and_text_dates(tmp_path):
    path = tmp_path / "disputes.xlsx"
    rows = [
        GOOD,
        {"region_code": "330102001002", "subject_name": "西湖小学", "found_on": "2026-03-05",
         "category": "其他", "summary": "家长与学校争执", "people": 12, "skip_level": True,
         "target": Decimal("0.95"), "loss": Decimal("0.30"), "resolved_on": datetime(2026, 3, 9, 0, 0)},
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
        (2, {"region_code": "330102001001", "subject_name": "东风村", "found_on": date(2026, 3, 5),
             "category": "邻里纠纷", "summary": "宅基地边界争执", "people": 2, "risk": "黄",
             "skip_level": False, "target": Decimal("0.8000"), "loss": Decimal("1.5"), "resolved_on": None}),
        (3, {"region_code": "330102001002", "subject_name": "西湖小学", "found_on": date(2026, 3, 5),
             "category": "其他", "summary": "家长与学校争执", "people": 12, "risk": None,
             "skip_level": True, "target": Decimal("0.9500"), "loss": Decimal("0.30"),
             "resolved_on": date(2026, 3, 9)}),
    ]


def test_five_bad_rows_among_good_ones_are_all_reported(tmp_path):
    def row(**changes):
        values = dict(zip(SPEC.keys, GOOD, strict=True))
        values.update(changes)
        return [values[k] for k in SPEC.keys]

    path = make_xlsx(tmp_path / "bad.xlsx", [
        SPEC.headers,
        row(),                                   # 2 good
        row(category="吵架"),                    # 3 not a category
        row(),                                   # 4 good
        row(found_on="2026年3月5日"),            # 5 bad date
        row(people=-3),                          # 6 negative
        [],                                      # 7 empty: skipped
        row(summary=None),                       # 8 required empty
        row(target="150%"),                      # 9 rate out of range
        row(found_on=datetime(2026, 1, 2)),      # 10 good
    ])
    result = read_rows(path, SPEC)
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "纠纷类别"), (5, "登记日期"), (6, "涉及人数"), (8, "简要情况"), (9, "目标达标率"),
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
    path = make_xlsx(tmp_path / "bad.xlsx", [
        SPEC.headers,
        ["330102001001", None, "3/5", "吵架", "x", 1.5, "橙", "Y", "x", "x", "2026-13-01"],
    ])
    result = read_rows(path, SPEC)
    assert [e.column for e in result.errors] == [
        "主体名称", "登记日期", "纠纷类别", "涉及人数", "风险等级", "是否越级", "目标达标率",
        "直接经济损失(万元)", "化解日期",
    ]
    assert result.rows == []


def test_any_column_order_and_only_required_columns(tmp_path):
    path = make_xlsx(tmp_path / "order.xlsx", [
        ["简要情况", "纠纷类别", "登记日期", "主体名称", "所属区划代码"],
        ["争执", "其他", "2026/03/05", "东风村", 330102001001],
    ])
    result = read_rows(path, SPEC)
    assert result.ok, messages(result)
    assert result.rows == [(2, {"summary": "争执", "category": "其他", "found_on": date(2026, 3, 5),
                                "subject_name": "东风村", "region_code": "330102001001"})]


def test_header_tolerates_spaces_fullwidth_brackets_and_a_required_star(tmp_path):
    path = make_xlsx(tmp_path / "h.xlsx", [
        ["所属区划代码*", " 主体名称 ", "登记日期＊", "纠纷类别", "简要情况", "直接经济损失（万元）", None, None],
        ["330102001001", "东风村", "2026-03-05", "其他", "争执", 2],
    ])
    result = read_rows(path, SPEC)
    assert result.ok, messages(result)
    assert result.rows[0][1]["loss"] == Decimal(2)
    assert result.header[-1] == "直接经济损失（万元）"  # trailing empty header cells dropped


def test_unknown_duplicate_and_missing_columns(tmp_path):
    path = make_xlsx(tmp_path / "h.xlsx", [
        ["所属区划代码", "主体名称", "登记日期", "纠纷类别", "备注信息", "登记日期"],
        ["330102001001", "东风村", "2026-03-05", "其他"],
    ])
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
    path = make_xlsx(tmp_path / "x.xlsx", [
        headers,
        ["330102001001", "东风村", None, "2026-03-05", "其他", "争执"],
        ["330102001001", "东风村", "备注", "2026-03-05", "其他", "争执", None, "多余"],
    ])
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


# -- refusals -----------------------------------------------------------------------------


def test_text_file_renamed_xlsx(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("所属区划代码,主体名称\n330102001001,东风村\n", encoding="utf-8")
    assert messages(read_rows(path, SPEC)) == ["文件不是有效的Excel（.xlsx）文件"]


def test_old_xls_file(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    [error] = messages(read_rows(path, SPEC))
    assert error.startswith(MSG_NOT_XLSX) and ".xlsx" in error


def test_zip_that_is_not_an_xlsx(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert messages(read_rows(path, SPEC)) == [MSG_NOT_XLSX]


def test_truncated_zip(tmp_path):
    path = make_xlsx(tmp_path / "whole.xlsx", [SPEC.headers, GOOD])
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(path.read_bytes()[:3000])
    assert messages(read_rows(cut, SPEC)) == [MSG_NOT_XLSX]


def test_broken_workbook_xml(tmp_path):
    path = make_xlsx(tmp_path / "whole.xlsx", [SPEC.headers, GOOD])
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = b"<not xml" if info.filename == "xl/workbook.xml" else src.read(info)
            dst.writestr(info.filename, data)
    assert messages(read_rows(broken, SPEC)) == [MSG_UNREADABLE]
    assert MSG_UNREADABLE.startswith("无法读取Excel文件：")


def test_file_over_max_bytes(tmp_path):
    path = make_xlsx(tmp_path / "big.xlsx", [SPEC.headers, GOOD])
    assert messages(read_rows(path, SPEC, max_bytes=1000)) == ["文件过大（超过1000字节）"]
    assert messages(read_rows(io.BytesIO(path.read_bytes()), SPEC, max_bytes=1000)) == ["文件过大（超过1000字节）"]
    assert read_rows(path, SPEC).ok  # default is 20MB


def test_default_size_message():
    class Huge(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):  # an endless non-seekable stream
            b[:] = b"\0" * len(b)
            return len(b)

    assert messages(read_rows(Huge(), SPEC)) == ["文件过大（超过20MB）"]


def test_more_rows_than_max_rows(tmp_path):
    path = make_xlsx(tmp_path / "rows.xlsx", [SPEC.headers] + [GOOD] * 6)
    assert read_rows(path, SPEC, max_rows=6).ok
    result = read_rows(path, SPEC, max_rows=5)
    assert messages(result)[-1] == "数据行数超过上限（5行）"


def _skeleton_parts():
    """Every part of a real one-sheet workbook except the sheet XML."""
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    with zipfile.ZipFile(buffer) as src:
        return {i.filename: src.read(i) for i in src.infolist() if i.filename != "xl/worksheets/sheet1.xml"}


SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"
# One cell of a long run of "x" per row: deflate packs the run at distance 1 (no extra bits), ~1000×.
ROW = b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"x" * (1024 * 1024) + b"</t></is></c></row>"


def _write_xlsx_with_big_sheet(path, uncompressed_bytes, *, force_zip64):
    chunk = ROW  # ~1 MB per write: the test never holds the sheet in memory
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _skeleton_parts().items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=force_zip64) as member:
            member.write(SHEET_HEAD)
            written = 0
            while written < uncompressed_bytes:
                member.write(chunk)
                written += len(chunk)
            member.write(SHEET_TAIL)
    return path


def test_zip_bomb_is_refused_from_the_directory(tmp_path):
    path = _write_xlsx_with_big_sheet(tmp_path / "bomb.xlsx", 300 * 1024 * 1024, force_zip64=True)
    size = path.stat().st_size
    assert size < 500 * 1024, size  # a few hundred KB on disk
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 300 * 1024 * 1024

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    result = read_rows(path, SPEC)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before

    assert messages(result) == [MSG_BOMB] == ["文件解压后过大，已拒绝"]
    assert elapsed < 2.0, elapsed
    assert peak < 5 * 1024 * 1024, peak
    assert rss_growth_kb < 50 * 1024, rss_growth_kb
    print(f"\nbomb: file {size / 1024:.0f} KB, refused in {elapsed * 1000:.1f} ms, "
          f"tracemalloc peak {peak / 1024:.0f} KB, max RSS growth {rss_growth_kb} KB")


def test_zip_bomb_by_ratio_under_the_total_limit(tmp_path):
    # 30 MB that deflate squeezes ~1000× — under 200 MB in all, but no real sheet compresses so well.
    path = _write_xlsx_with_big_sheet(tmp_path / "ratio.xlsx", 30 * 1024 * 1024, force_zip64=False)
    assert messages(read_rows(path, SPEC)) == [MSG_BOMB]
    assert read_rows(path, SPEC, max_uncompressed=10 * 1024 * 1024).errors[0].message == MSG_BOMB


def _patch_declared_size(path, member, new_size):
    """Make the zip directory (and the local header) lie about one member's uncompressed size."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(member).header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 22, new_size)
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len] == name:
            struct.pack_into("<I", data, pos + 24, new_size)
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    else:
        raise AssertionError("central directory entry not found")
    path.write_bytes(bytes(data))


def test_zip_bomb_with_a_lying_directory_is_still_bounded(tmp_path):
    path = _write_xlsx_with_big_sheet(tmp_path / "liar.xlsx", 50 * 1024 * 1024, force_zip64=False)
    _patch_declared_size(path, "xl/worksheets/sheet1.xml", 4096)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 4096  # passes the directory check

    tracemalloc.start()
    started = time.perf_counter()
    result = read_rows(path, SPEC)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # zipfile stops inflating at the declared size, then the XML/CRC check fails.
    assert messages(result) == [MSG_UNREADABLE]
    assert elapsed < 2.0
    assert peak < 20 * 1024 * 1024


def test_xml_entity_expansion_is_refused(tmp_path):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
              b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>')
    path = tmp_path / "laughs.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _skeleton_parts().items():
            archive.writestr(name, data)
        archive.writestr("xl/worksheets/sheet1.xml", laughs)
    assert messages(read_rows(path, SPEC)) == [MSG_UNREADABLE]


# -- writing ------------------------------------------------------------------------------


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
    spec = SheetSpec("导出", [Column("日期", "d", kind="date"), Column("时间", "t"),
                              Column("比率", "r", kind="rate"), Column("标志", "b", kind="bool"),
                              Column("文本", "x")])
    rows = [{"d": datetime(2026, 3, 5, 14, 30), "t": datetime(2026, 3, 5, 14, 30), "r": Decimal("0.962"),
             "b": True, "x": "含\x07控制字符"}]
    write_rows(path, spec, rows, sheet_title="导出[1]")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert wb.sheetnames == ["导出_1_"]
    assert ws.freeze_panes == "A2"
    assert (ws.page_setup.orientation, ws.page_setup.paperSize, ws.print_title_rows) == ("landscape", 9, "$1:$1")  # 9: A4
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
    table = {help_ws.cell(row=r, column=1).value: [help_ws.cell(row=r, column=c).value for c in (2, 3, 4)]
             for r in range(3, 3 + len(spec))}
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


def test_row_error_formatting():
    assert str(RowError(3, "纠纷类别", "应为以下之一：红")) == "第3行 纠纷类别: 应为以下之一：红"
    assert str(RowError(None, None, "文件过大（超过20MB）")) == "文件过大（超过20MB）"
    assert str(RowError(4, None, "x")) == "第4行: x"
