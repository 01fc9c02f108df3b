"""Bad rows: every error is reported as 第N行 列名: 原因 and nothing is written (all or nothing); rows
outside the importer's scope refuse the whole file; a row reaches its status only through the workflow."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from disputes.models import Dispute
from sanzero.importing.base import KINDS
from sanzero.importing.engine import import_file
from sanzero.tests.helpers import DISPUTE_HEADERS, SUBJECT_HEADERS, VALID, credit_code, xlsx
from units.models import Subject

pytestmark = pytest.mark.usefixtures("media")  # uploads and import records go to a temporary MEDIA_ROOT


def test_five_different_bad_subject_rows_are_all_reported_and_nothing_is_written(world):
    rows = [
        SUBJECT_HEADERS,
        ["好主体一", "企业", "990121100000", None, None, None, None, None, None, None],  # 2 good
        ["坏类别", "学堂", "990121100000", None, None, None, None, None, None, None],  # 3
        ["坏区划", "企业", "990121199999", None, None, None, None, None, None, None],  # 4
        ["好主体二", "企业", "990121100200", None, None, None, None, None, None, None],  # 5 good
        ["坏电话", "企业", "990121100000", None, None, None, "12345", None, None, None],  # 6
        ["坏代码", "企业", "990121100000", "91330102MA", None, None, None, None, None, None],  # 7
        ["坏日期", "企业", "990121100000", None, None, None, None, None, "2025-02-30", None],  # 8
        ["好主体三", "学校", "990121100001", None, "教育局", None, None, None, None, None],  # 9 good
    ]
    before = Subject.objects.count()
    result = import_file(actor=world.users["clerk_a"], kind="subjects", file=xlsx(rows), dry_run=False)
    assert not result.written
    assert Subject.objects.count() == before
    by_row = {e.row: e for e in result.row_errors}
    assert sorted(by_row) == [3, 4, 6, 7, 8], result.errors
    assert by_row[3].column == "主体类别" and "应为以下之一" in by_row[3].message
    assert by_row[4].column == "所属区划代码" and "不存在" in by_row[4].message
    assert by_row[6].column == "联系电话" and "格式不正确" in by_row[6].message
    assert by_row[7].column == "统一社会信用代码" and "18位" in by_row[7].message
    assert by_row[8].column == "纳入日期" and "日期无效" in by_row[8].message
    for line in result.errors:
        assert line.startswith("第") and "行 " in line and ": " in line


def test_a_bad_checksum_is_a_warning_and_the_subject_is_marked(world):
    bad = credit_code("91990121MA0000001")[:17] + ("0" if credit_code("91990121MA0000001")[-1] != "0" else "1")
    rows = [SUBJECT_HEADERS, ["校验位单位", "企业", "990121100000", bad, None, None, None, None, None, None]]
    result = import_file(actor=world.users["clerk_a"], kind="subjects", file=xlsx(rows), dry_run=False)
    assert result.ok and result.new == 1
    assert [w.column for w in result.warnings] == ["统一社会信用代码"]
    assert Subject.objects.get(name="校验位单位").credit_code_warning is True


def test_duplicate_keys_inside_one_file_are_an_error(world):
    rows = [
        SUBJECT_HEADERS,
        ["重复单位", "企业", "990121100000", None, None, None, None, None, None, None],
        ["重复单位", "学校", "990121100000", None, None, None, None, None, None, None],
    ]
    result = import_file(actor=world.users["clerk_a"], kind="subjects", file=xlsx(rows), dry_run=False)
    assert result.errors == [
        "第3行 主体名称: 与第2行重复（所属区划代码 + 主体名称（在册主体）相同），同一记录只能出现一次"
    ]
    assert not Subject.objects.filter(name="重复单位").exists()


def test_a_clerk_of_township_a_importing_rows_of_township_b_is_refused_whole(world):
    rows = [
        SUBJECT_HEADERS,
        ["甲镇新单位", "企业", "990121100000", None, None, None, None, None, None, None],
        ["乙镇新单位", "企业", "990121101000", None, None, None, None, None, None, None],
        ["乙一村新单位", "企业", "990121101200", None, None, None, None, None, None, None],
    ]
    before = Subject.objects.count()
    result = import_file(actor=world.users["clerk_a"], kind="subjects", file=xlsx(rows), dry_run=False)
    assert result.errors[0] == "第3、4行的数据不在您的管辖范围内，整个文件未导入。请删除这些行或由有权限的人员导入。"
    assert "第3行 所属区划代码: “乙镇”（990121101000）不在您的管辖范围内" in result.errors
    assert Subject.objects.count() == before

    ledger = [
        DISPUTE_HEADERS,
        ["990121101200", "乙一村商店", "2025-03-05", "其他", "越界登记", None, None, None, None, None, None, None],
    ]
    result = import_file(actor=world.users["grid_a"], kind="disputes", file=xlsx(ledger), dry_run=False)
    assert result.errors[0].startswith("第2行的数据不在您的管辖范围内")
    assert not Dispute.objects.exists()


def test_a_grid_worker_imports_ledgers_of_their_village_only(world):
    grid = world.users["grid_a"]
    rows = [
        DISPUTE_HEADERS,
        ["990121100200", "甲一村超市", "2025-03-05", "其他", "网格员登记", None, None, None, None, None, None, None],
    ]
    assert import_file(actor=grid, kind="disputes", file=xlsx(rows), dry_run=False).new == 1
    rows[1][:2] = ["990121100000", "甲镇中心学校"]  # the township: outside a village grid worker's scope
    assert "不在您的管辖范围内" in import_file(actor=grid, kind="disputes", file=xlsx(rows), dry_run=False).errors[0]
    refused = import_file(actor=grid, kind="subjects", file=xlsx(VALID["subjects"][1]), dry_run=False)
    assert refused.errors == ["您的角色或管辖范围不能导入“创建主体”。"]


def test_status_rules_come_from_the_model_and_the_workflow_forms(world):
    """A row reaches its status through the dispute's own steps, with the step forms' messages."""
    rows = [
        DISPUTE_HEADERS,
        ["990121100200", "甲一村", "2025-03-05", "其他", "无化解日期", None, None, None, None, "已化解", None, None],
        [
            "990121100200",
            "甲一村",
            "2025-03-05",
            "其他",
            "化解早于登记",
            None,
            None,
            None,
            None,
            "已化解",
            "2025-03-01",
            None,
        ],
        ["990121100200", "甲一村", "2025-03-05", "其他", "移交", None, None, None, None, "已移交", None, None],
        ["990121100200", "甲一村", "2099-03-05", "其他", "未来", None, None, None, None, None, None, None],
    ]
    result = import_file(actor=world.users["clerk_a"], kind="disputes", file=xlsx(rows), dry_run=True)
    assert result.errors == [
        "第2行 化解日期: 化解日期为必填项，请填写。",
        "第2行 协议内容: 协议内容为必填项，请填写。",
        "第3行 化解日期: 化解日期不能早于登记日期（2025-03-05）。",
        "第3行 协议内容: 协议内容为必填项，请填写。",
        "第4行 调解不成原因: 调解不成的原因为必填项，请填写。",
        "第5行 登记日期: 登记日期不能晚于今天。",
    ]


def test_a_row_that_breaks_a_check_constraint_on_write_is_explained_and_nothing_is_written(world, monkeypatch):
    """The import leaves check constraints to the database (faster); a row the forms let through but
    a CHECK refuses still rolls back the whole file, with the constraint's own Chinese message."""
    from disputes import services as dispute_services
    from sanzero.services import constraints_checked_by_database

    kind = KINDS["disputes"]
    real = dispute_services.dispute_create
    monkeypatch.setattr(
        type(kind),
        "create_service",
        staticmethod(lambda *, actor, data, steps: real(actor=actor, data={**data, "people_count": 0}, steps=steps)),
    )
    before = (Dispute.objects.count(), Dispute.history.count())
    result = import_file(actor=world.users["clerk_a"], kind="disputes", file=xlsx(VALID["disputes"][1]), dry_run=False)
    assert result.errors == ["第2行: 涉及人数至少为1人。"]
    assert (Dispute.objects.count(), Dispute.history.count()) == before

    # Outside an import the service still validates the constraint itself, as a form error.
    data = {
        "subject": world.shop_a,
        "found_on": date(2026, 3, 2),
        "category": "邻里纠纷",
        "summary": "x",
        "people_count": 0,
    }
    with pytest.raises(ValidationError, match="涉及人数至少为1人"):
        dispute_services.dispute_create(actor=world.users["clerk_a"], data=data)
    with constraints_checked_by_database(), pytest.raises(IntegrityError):
        with transaction.atomic():
            dispute_services.dispute_create(actor=world.users["clerk_a"], data=data)
