"""The Excel engine's columns: how each kind of cell is parsed and refused, the sheet declarations, the
row error text."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from sanzero.tests.helpers import SPEC
from sanzero.xlsx import CellError, Column, RowError, SheetSpec


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 3, 5, 0, 0), date(2026, 3, 5)),
        (date(2026, 3, 5), date(2026, 3, 5)),
        ("2026-03-05", date(2026, 3, 5)),
        (" 2026/3/5 ", date(2026, 3, 5)),
        (None, None),
        ("  ", None),
    ],
)
def test_date_accepts_excel_dates_and_iso_text(value, expected):
    assert Column("日期", "d", kind="date").parse(value) == expected


@pytest.mark.parametrize(
    "value", ["2026.03.05", "05/03/2026", "2026-03-05 10:00", "昨天", 46086, 46086.5, "2026-03/05"]
)
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


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (3.5, "应为整数"),
        ("3.5", "应为整数"),
        ("三", "应为整数"),
        ("1,000", "应为整数"),
        (True, "应为整数"),
        (float("nan"), "应为整数"),
        (-1, "不能为负数"),
        ("-2", "不能为负数"),
        (-2.0, "不能为负数"),
    ],
)
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


def test_row_error_formatting():
    assert str(RowError(3, "纠纷类别", "应为以下之一：红")) == "第3行 纠纷类别: 应为以下之一：红"
    assert str(RowError(None, None, "文件过大（超过20MB）")) == "文件过大（超过20MB）"
    assert str(RowError(4, None, "x")) == "第4行: x"
