"""The 治安问题 sheet: its template, every row error as 第N行 列名: 原因, statuses through the workflow."""

import datetime
import io

import openpyxl
import pytest

from ledger.testing import xlsx_of
from publicorder.models import PublicOrderProblem
from sanzero.importing.engine import import_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
HEAD = [
    "所属区划代码",
    "主体名称",
    "排查日期",
    "问题类别",
    "问题描述",
    "风险等级",
    "状态",
    "解决日期",
    "整治结果",
    "移交日期",
    "移交单位",
]


def rows(*data):
    return xlsx_of([HEAD, *data])


def test_the_template_has_the_headers_a_help_sheet_and_choice_lists(client_as):
    response = client_as("clerk_a").get("/imports/template/public_order.xlsx")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(body))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["所属区划代码", "主体名称", "排查日期", "问题类别", "问题描述"]
    assert {"状态", "解决日期", "移交单位"} <= set(headers)
    assert len(book.worksheets) >= 2
    formulas = " ".join(str(v.formula1) for v in sheet.data_validations.dataValidation)
    assert "黄赌毒" in formulas and "整治中" in formulas


def test_statuses_are_reached_through_the_steps_and_reimport_changes_nothing(world):
    data = rows(
        [
            "990121100200",
            "甲一村超市",
            "2026-03-02",
            "黄赌毒",
            "棋牌室设赌",
            "高",
            "已解决",
            "2026-03-09",
            "已取缔",
            None,
            None,
        ],
        [
            "990121100200",
            "甲一村超市",
            "2026-03-03",
            "出租房屋",
            "群租房",
            None,
            None,
            None,
            None,
            "2026-03-04",
            "甲镇派出所",
        ],
        ["990121100200", "甲一村超市", "2026-03-04", "交通秩序", "货车超速穿村", None, None, None, None, None, None],
    )
    result = import_file(actor=world.users["clerk_a"], kind="public_order", file=data, dry_run=False)
    assert result.ok and result.new == 3, result.errors
    got = {p.category: (p.status, p.resolved_on, p.transferred_to) for p in PublicOrderProblem.objects.all()}
    assert got == {
        "黄赌毒": ("已解决", datetime.date(2026, 3, 9), ""),
        "出租房屋": ("已移交", None, "甲镇派出所"),
        "交通秩序": ("整治中", None, ""),
    }
    again = import_file(actor=world.users["clerk_a"], kind="public_order", file=data, dry_run=False)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 3), again.errors


def test_every_bad_row_is_named_and_nothing_is_written(world):
    data = rows(
        ["990121100200", "甲一村超市", "2026-03-02", "打架", "x", None, None, None, None, None, None],
        [
            "990121100200",
            "甲一村超市",
            "2026-03-02",
            "黄赌毒",
            "棋牌室设赌",
            None,
            "已解决",
            "2026-03-01",
            "已取缔",
            None,
            None,
        ],
        ["990121101200", "乙一村商店", "2026-03-02", "黄赌毒", "乙村赌博", None, None, None, None, None, None],
        [
            "990121100200",
            "甲一村超市",
            "2026-03-02",
            "黄赌毒",
            "又一处",
            None,
            "已移交",
            None,
            None,
            "2026-03-05",
            None,
        ],
    )
    result = import_file(actor=world.users["clerk_a"], kind="public_order", file=data, dry_run=False)
    assert not result.ok and not PublicOrderProblem.objects.exists()
    messages = [str(e) for e in result.errors]
    assert any(m.startswith("第2行 问题类别:") for m in messages), messages
    assert any(m.startswith("第3行 解决日期:") and "排查日期" in m for m in messages), messages
    assert any(m.startswith("第4行 所属区划代码:") and "不在您的管辖范围内" in m for m in messages), messages
    assert any(m.startswith("第5行 移交单位:") for m in messages), messages
