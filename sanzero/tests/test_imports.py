"""Excel imports (DESIGN §7): every kind, all-or-nothing, row errors, scope, the command, the pages."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import PoliceCase
from dashboards.models import Target
from disputes.models import Dispute
from hazards.models import Accident, Hazard
from petitions.models import Petition
from sanzero.importing import jobs
from sanzero.importing.base import KINDS, kind_names
from sanzero.importing.engine import import_file
from sanzero.models import ImportJob
from sanzero.testing import check_role_matrix
from units.models import Region, Subject

BASE_DIR = Path(__file__).resolve().parents[2]

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_number(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def credit_code(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


def xlsx(rows, *, path=None) -> bytes:
    """A plain workbook with ``rows`` on its first sheet, exactly as given (first row = headers)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


SUBJECT_HEADERS = ["主体名称", "主体类别", "所属区划代码", "统一社会信用代码", "主管部门", "负责人", "联系电话", "地址",
                   "纳入日期", "退出日期"]
DISPUTE_HEADERS = ["所属区划代码", "主体名称", "登记日期", "纠纷类别", "简要情况", "来源", "当事人", "涉及人数", "风险等级",
                   "状态", "化解日期", "备注"]

# The optional columns a ledger's workflow steps read (issue 12: the import runs the same steps as the web).
STEP_COLUMNS = {
    "disputes": ("协议形式", "协议内容", "调解不成原因", "移交去向", "移交说明"),
    "hazards": ("责任落实", "措施落实", "资金落实", "时限落实", "预案落实"),
}
HANDBOOK_HEADERS = {
    "disputes": DISPUTE_HEADERS,
    "hazards": ["所属区划代码", "主体名称", "发现日期", "隐患类别", "隐患等级", "隐患描述", "整改期限", "整改责任人", "状态",
                "整改完成日期", "验收人", "验收日期"],
}

# One valid file per kind: (actor, rows, model, how many rows it creates).
VALID = {
    "regions": ("admin", [
        ["区划代码", "名称", "层级", "上级区划代码"],
        ["990121102200", "丙一村", "村", "990121102000"],  # its parent is the next row: order does not matter
        ["990121102000", "丙镇", "乡镇", "990121000000"],
        ["990121102001", "丙城社区", "社区", "990121102000"],
    ], Region, 3),
    "subjects": ("clerk_a", [
        SUBJECT_HEADERS,
        ["甲镇卫生院", "医院", "990121100000", credit_code("12990121MB0000001"), "卫生健康委员会", "王医生",
         "13812345678", "甲镇大街1号", date(2025, 1, 1), None],
        ["甲一村幼儿园", "幼儿园", "990121100200", None, None, "李园长", "0351-1234567", None, "2025-02-01", None],
        ["甲城社区便民店", "企业", "990121100001", None, None, None, None, None, None, None],
    ], Subject, 3),
    "disputes": ("clerk_a", [
        [*DISPUTE_HEADERS, "协议内容"],
        ["990121100200", "甲一村", "2025-03-05", "邻里纠纷", "宅基地边界争执", "自查", "张三、李四", 2, "黄", "已化解",
         "2025-03-08", None, "双方确认以院墙为界"],
        ["990121100200", "甲一村超市", date(2025, 3, 6), "劳资纠纷", "拖欠两名店员工资", None, None, None, None, None, None,
         "待核实", None],
    ], Dispute, 2),
    "hazards": ("clerk_a", [
        ["所属区划代码", "主体名称", "发现日期", "隐患类别", "隐患等级", "隐患描述", "整改期限", "整改责任人", "状态", "整改完成日期",
         "验收人", "验收日期"],
        ["990121100000", "甲镇中心学校", "2025-04-01", "消防", "一般", "灭火器过期", None, "王五", "已销号", "2025-04-03",
         "county", "2025-04-05"],
        ["990121100200", "甲一村超市", "2025-04-02", "用电", "重大", "私拉电线", "2025-05-01", None, None, None, None, None],
    ], Hazard, 2),
    "accidents": ("clerk_a", [
        ["所属区划代码", "主体名称", "发生日期", "事故类型", "死亡人数", "受伤人数", "重伤人数", "直接经济损失(万元)",
         "简要经过"],
        ["990121100200", "甲一村超市", "2025-05-01", "火灾", 0, 1, 1, 1.5, "仓库起火"],
        ["990121100000", "甲镇中心学校", "2025-05-02", "溺水", None, None, None, None, None],
    ], Accident, 2),
    "petitions": ("clerk_a", [
        ["所属区划代码", "主体名称", "登记日期", "信访形式", "信访类型", "信访人", "身份证号", "联系电话", "人数", "到访层级",
         "是否越级", "是否非正常访", "诉求内容", "状态", "答复日期", "办结日期", "满意度"],
        ["990121100200", "甲一村", "2025-06-01", "来访", "申诉求决", "张三", id_number("11010519491231002"), "13812345678",
         1, "县", "是", "否", "要求解决宅基地纠纷" * 10, "已办结", "2025-06-10", "2025-06-20", "满意"],
        ["990121100200", "甲一村", "2025-06-02", "来信", None, None, None, None, 6, None, None, None, "反映道路积水",
         None, None, None, None],
    ], Petition, 2),
    "cases": ("clerk_a", [
        ["所属区划代码", "主体名称", "发案日期", "案件类别", "是否有重大影响", "案由", "简要案情", "办案单位"],
        ["990121100200", "甲一村超市", "2025-07-01", "治安", "是", "聚众斗殴", "夜间斗殴", "甲镇派出所"],
        ["990121100000", "甲镇中心学校", "2025-07-02", "刑事", None, "盗窃", None, None],
    ], PoliceCase, 2),
    "targets": ("county", [
        ["年度", "区划代码", "主体分组", "目标达标率"],
        [2026, "990121000000", "村(社区)", "95%"],
        [2026, "990121000000", "单位(企业)", 0.9],
        [2026, "990121100000", "单位(企业)", 85],
    ], Target, 3),
}


def test_there_are_the_handbooks_eight_kinds_and_holidays_with_their_headers(db):
    assert kind_names() == ("regions", "subjects", "disputes", "hazards", "accidents", "petitions", "cases", "targets",
                          "holidays")
    for name, (_, rows, _, _) in VALID.items():
        headers = KINDS[name].spec().headers
        # DESIGN §7's columns in its order, and the optional columns the steps of a workflow need
        assert [h for h in headers if h not in STEP_COLUMNS.get(name, ())] == HANDBOOK_HEADERS.get(name, rows[0]), name
        assert set(headers) >= set(rows[0]), name


@pytest.mark.parametrize("kind", list(VALID))
def test_a_valid_file_of_each_kind_imports_and_importing_it_again_changes_nothing(world, kind):
    username, rows, model, created = VALID[kind]
    actor = world.users[username]
    data = xlsx(rows)
    before = model.objects.count()
    history_before = model.history.count()

    result = import_file(actor=actor, kind=kind, file=data, dry_run=False)
    assert result.ok, result.errors
    assert (result.total, result.new, result.changed, result.unchanged) == (len(rows) - 1, created, 0, 0)
    assert result.written
    assert model.objects.count() == before + created
    history_after = model.history.count()
    assert history_after > history_before

    again = import_file(actor=actor, kind=kind, file=data, dry_run=False)
    assert again.ok, again.errors
    assert (again.new, again.changed, again.unchanged) == (0, 0, len(rows) - 1)
    assert model.objects.count() == before + created
    assert model.history.count() == history_after  # nothing was touched


def test_imported_values_and_statuses_are_stored(world):
    clerk = world.users["clerk_a"]
    for kind in ("subjects", "disputes", "hazards", "petitions", "cases", "targets", "accidents"):
        username, rows, _, _ = VALID[kind]
        assert import_file(actor=world.users[username], kind=kind, file=xlsx(rows), dry_run=False).ok

    clinic = Subject.objects.get(name="甲镇卫生院")
    assert (clinic.category.name, clinic.department.name, clinic.phone) == ("医院", "卫生健康委员会", "13812345678")
    assert clinic.joined_on == date(2025, 1, 1) and not clinic.credit_code_warning
    kindergarten = Subject.objects.get(name="甲一村幼儿园")
    assert kindergarten.department.name == "教育局"  # the category's default department

    resolved = Dispute.objects.get(summary="宅基地边界争执")
    assert (resolved.status, resolved.resolved_on, resolved.source, resolved.risk_colour) == (
        "已化解", date(2025, 3, 8), "自查", "黄")
    assert resolved.due_on is None and resolved.created_by == clerk
    open_dispute = Dispute.objects.get(summary="拖欠两名店员工资")
    assert (open_dispute.status, open_dispute.source, open_dispute.people_count) == ("调解中", "网格排查", 2)

    closed = Hazard.objects.get(description="灭火器过期")
    assert (closed.status, closed.accepted_by, closed.accepted_on) == ("已销号", world.users["county"], date(2025, 4, 5))
    assert closed.rectify_due == date(2025, 4, 8)  # the default (一般: 7 days) is stored
    assert Hazard.objects.get(description="私拉电线").status == "整改中"

    petition = Petition.objects.get(petitioner_name="张三")
    assert (petition.status, petition.satisfaction, petition.is_skip_level) == ("已办结", "满意", True)
    assert petition.handle_due == date(2025, 7, 31)
    assert Petition.objects.get(content="反映道路积水").headcount == 6

    assert PoliceCase.objects.get(cause="聚众斗殴").major_influence is True
    assert Accident.objects.get(summary="仓库起火").direct_loss == Decimal("1.50")
    assert Target.objects.get(region=world.town_a, group="unit").rate == Decimal("0.8500")


def test_a_changed_row_updates_the_record_and_an_unchanged_one_is_left_alone(world):
    clerk = world.users["clerk_a"]
    rows = [DISPUTE_HEADERS,
            ["990121100200", "甲一村", "2025-03-05", "邻里纠纷", "宅基地边界争执", None, None, None, None, None, None, None],
            ["990121100200", "甲一村", "2025-03-06", "其他", "噪音扰民", None, None, None, None, None, None, None]]
    assert import_file(actor=clerk, kind="disputes", file=xlsx(rows), dry_run=False).new == 2
    noise = Dispute.objects.get(summary="噪音扰民")
    version = noise.version

    rows[1][8] = "红"  # risk colour changes
    rows[1][9:11] = ["已化解", "2025-03-09"]
    rows = [[*r, a] for r, a in zip(rows, ["协议内容", "双方和解", None], strict=True)]
    result = import_file(actor=clerk, kind="disputes", file=xlsx(rows), dry_run=False)
    assert (result.new, result.changed, result.unchanged) == (0, 1, 1), result.errors
    dispute = Dispute.objects.get(summary="宅基地边界争执")
    assert (dispute.risk_colour, dispute.status, dispute.resolved_on) == ("红", "已化解", date(2025, 3, 9))
    last = dispute.history.order_by("-history_id").first()
    assert last.history_user == clerk and "已化解" in last.history_change_reason
    noise.refresh_from_db()
    assert noise.version == version

    rows[1][9:11] = ["调解中", None]  # a status never goes back through an import
    rows[1][12] = None
    result = import_file(actor=clerk, kind="disputes", file=xlsx(rows), dry_run=False)
    assert result.errors == ["第2行 状态: 该矛盾纠纷当前状态为“已化解”，按办理流程不能通过导入改为“调解中”"]


def test_five_different_bad_subject_rows_are_all_reported_and_nothing_is_written(world):
    rows = [
        SUBJECT_HEADERS,
        ["好主体一", "企业", "990121100000", None, None, None, None, None, None, None],           # 2 good
        ["坏类别", "学堂", "990121100000", None, None, None, None, None, None, None],              # 3
        ["坏区划", "企业", "990121199999", None, None, None, None, None, None, None],              # 4
        ["好主体二", "企业", "990121100200", None, None, None, None, None, None, None],           # 5 good
        ["坏电话", "企业", "990121100000", None, None, None, "12345", None, None, None],            # 6
        ["坏代码", "企业", "990121100000", "91330102MA", None, None, None, None, None, None],       # 7
        ["坏日期", "企业", "990121100000", None, None, None, None, None, "2025-02-30", None],      # 8
        ["好主体三", "学校", "990121100001", None, "教育局", None, None, None, None, None],         # 9 good
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
    rows = [SUBJECT_HEADERS,
            ["重复单位", "企业", "990121100000", None, None, None, None, None, None, None],
            ["重复单位", "学校", "990121100000", None, None, None, None, None, None, None]]
    result = import_file(actor=world.users["clerk_a"], kind="subjects", file=xlsx(rows), dry_run=False)
    assert result.errors == ["第3行 主体名称: 与第2行重复（所属区划代码 + 主体名称（在册主体）相同），同一记录只能出现一次"]
    assert not Subject.objects.filter(name="重复单位").exists()


def test_a_clerk_of_township_a_importing_rows_of_township_b_is_refused_whole(world):
    rows = [SUBJECT_HEADERS,
            ["甲镇新单位", "企业", "990121100000", None, None, None, None, None, None, None],
            ["乙镇新单位", "企业", "990121101000", None, None, None, None, None, None, None],
            ["乙一村新单位", "企业", "990121101200", None, None, None, None, None, None, None]]
    before = Subject.objects.count()
    result = import_file(actor=world.users["clerk_a"], kind="subjects", file=xlsx(rows), dry_run=False)
    assert result.errors[0] == "第3、4行的数据不在您的管辖范围内，整个文件未导入。请删除这些行或由有权限的人员导入。"
    assert "第3行 所属区划代码: “乙镇”（990121101000）不在您的管辖范围内" in result.errors
    assert Subject.objects.count() == before

    ledger = [DISPUTE_HEADERS,
              ["990121101200", "乙一村商店", "2025-03-05", "其他", "越界登记", None, None, None, None, None, None, None]]
    result = import_file(actor=world.users["grid_a"], kind="disputes", file=xlsx(ledger), dry_run=False)
    assert result.errors[0].startswith("第2行的数据不在您的管辖范围内")
    assert not Dispute.objects.exists()


def test_a_grid_worker_imports_ledgers_of_their_village_only(world):
    grid = world.users["grid_a"]
    rows = [DISPUTE_HEADERS,
            ["990121100200", "甲一村超市", "2025-03-05", "其他", "网格员登记", None, None, None, None, None, None, None]]
    assert import_file(actor=grid, kind="disputes", file=xlsx(rows), dry_run=False).new == 1
    rows[1][:2] = ["990121100000", "甲镇中心学校"]  # the township: outside a village grid worker's scope
    assert "不在您的管辖范围内" in import_file(actor=grid, kind="disputes", file=xlsx(rows), dry_run=False).errors[0]
    refused = import_file(actor=grid, kind="subjects", file=xlsx(VALID["subjects"][1]), dry_run=False)
    assert refused.errors == ["您的角色或管辖范围不能导入“创建主体”。"]


def test_dates_as_real_excel_dates_and_as_text_both_import(world):
    rows = [SUBJECT_HEADERS,
            ["日期单位一", "企业", "990121100000", None, None, None, None, None, datetime(2025, 3, 5), None],
            ["日期单位二", "企业", "990121100000", None, None, None, None, None, "2025-03-06", None],
            ["日期单位三", "企业", "990121100000", None, None, None, None, None, date(2025, 3, 7), None]]
    data = xlsx(rows)
    assert isinstance(openpyxl.load_workbook(io.BytesIO(data)).active["I2"].value, datetime)
    result = import_file(actor=world.users["clerk_a"], kind="subjects", file=data, dry_run=False)
    assert result.ok, result.errors
    joined = dict(Subject.objects.filter(name__startswith="日期单位").values_list("name", "joined_on"))
    assert joined == {"日期单位一": date(2025, 3, 5), "日期单位二": date(2025, 3, 6), "日期单位三": date(2025, 3, 7)}


def test_the_dry_run_counts_and_writes_nothing(world):
    username, rows, model, created = VALID["hazards"]
    before, history = model.objects.count(), model.history.count()
    result = import_file(actor=world.users[username], kind="hazards", file=xlsx(rows), dry_run=True)
    assert result.ok and not result.written
    assert (result.new, result.changed, result.unchanged) == (created, 0, 0)
    assert (model.objects.count(), model.history.count()) == (before, history)


def test_status_rules_come_from_the_model_and_the_workflow_forms(world):
    """A row reaches its status through the dispute's own steps, with the step forms' messages."""
    rows = [DISPUTE_HEADERS,
            ["990121100200", "甲一村", "2025-03-05", "其他", "无化解日期", None, None, None, None, "已化解", None, None],
            ["990121100200", "甲一村", "2025-03-05", "其他", "化解早于登记", None, None, None, None, "已化解", "2025-03-01",
             None],
            ["990121100200", "甲一村", "2025-03-05", "其他", "移交", None, None, None, None, "已移交", None, None],
            ["990121100200", "甲一村", "2099-03-05", "其他", "未来", None, None, None, None, None, None, None]]
    result = import_file(actor=world.users["clerk_a"], kind="disputes", file=xlsx(rows), dry_run=True)
    assert result.errors == [
        "第2行 化解日期: 化解日期为必填项，请填写。",
        "第2行 协议内容: 协议内容为必填项，请填写。",
        "第3行 化解日期: 化解日期不能早于登记日期（2025-03-05）。",
        "第3行 协议内容: 协议内容为必填项，请填写。",
        "第4行 调解不成原因: 调解不成的原因为必填项，请填写。",
        "第5行 登记日期: 登记日期不能晚于今天。",
    ]


# -- refusals through the command -------------------------------------------------------------------


def _command_error(*args) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("import_xlsx", *args)
    return str(exc.value)


def test_the_command_refuses_bad_files_with_a_chinese_message_and_writes_nothing(world, tmp_path):
    before = (Subject.objects.count(), Subject.history.count())
    xlsx([[*SUBJECT_HEADERS, "备用列"], ["新单位", "企业", "990121100000", *[None] * 7, "x"]], path=tmp_path / "unknown.xlsx")
    assert "未知列：备用列" in _command_error("subjects", str(tmp_path / "unknown.xlsx"))
    missing = [h for h in SUBJECT_HEADERS if h != "所属区划代码"]
    xlsx([missing, ["新单位", "企业", *[None] * 8]], path=tmp_path / "missing.xlsx")
    assert "缺少必填列：所属区划代码" in _command_error("subjects", str(tmp_path / "missing.xlsx"))
    xlsx([], path=tmp_path / "empty.xlsx")
    assert "工作表为空" in _command_error("subjects", str(tmp_path / "empty.xlsx"))
    (tmp_path / "text.xlsx").write_text("主体名称,主体类别\n新单位,企业\n", encoding="utf-8")
    assert "文件不是有效的Excel（.xlsx）文件" in _command_error("subjects", str(tmp_path / "text.xlsx"))
    xlsx([SUBJECT_HEADERS], path=tmp_path / "headers.xlsx")
    assert "没有数据行" in _command_error("subjects", str(tmp_path / "headers.xlsx"))
    message = _command_error("subjects", str(tmp_path / "nowhere.xlsx"))
    assert "文件不存在" in message
    assert (Subject.objects.count(), Subject.history.count()) == before


def test_the_command_prints_every_row_error_and_the_counts(world, tmp_path, capsys):
    path = tmp_path / "s.xlsx"
    xlsx([SUBJECT_HEADERS,
          ["命令单位", "企业", "990121100000", None, None, None, None, None, None, None],
          ["命令坏一", "企业", "990121100000", None, None, None, "1", None, None, None],
          ["命令坏二", "学堂", "990121100000", None, None, None, None, None, None, None]], path=path)
    message = _command_error("subjects", str(path))
    assert "第3行 联系电话: " in message and "第4行 主体类别: " in message
    failed = ImportJob.objects.get(filename="s.xlsx")
    assert f"导入失败：共2处错误，未写入任何数据（导入记录#{failed.pk}）。" in message
    assert not Subject.objects.filter(name="命令单位").exists()
    # The command leaves the same record an upload does: who, the file, the counts, every error.
    assert (failed.status, failed.user, failed.total_rows) == ("failed", world.users["admin"], 3)
    assert [(e["row"], e["column"]) for e in failed.errors] == [(3, "联系电话"), (4, "主体类别")]
    assert failed.file.read().startswith(b"PK")

    xlsx([SUBJECT_HEADERS, ["命令单位", "企业", "990121100000", None, None, None, None, None, None, None]], path=path)
    call_command("import_xlsx", "subjects", str(path), "--dry-run")
    assert "试导入通过（--dry-run，未写入）：创建主体，共1行，新增1行" in capsys.readouterr().out
    assert not Subject.objects.filter(name="命令单位").exists()
    call_command("import_xlsx", "subjects", str(path), "--user", "clerk_a")
    done = ImportJob.objects.filter(status="done").get()
    assert f"导入完成：创建主体，共1行，新增1行，修改0行，未变化0行（导入记录#{done.pk}）。" in capsys.readouterr().out
    assert (done.user, done.new_rows, done.finished_at is not None) == (world.users["clerk_a"], 1, True)
    assert ImportJob.objects.filter(status="validated").count() == 1  # the --dry-run
    subject = Subject.objects.get(name="命令单位")
    assert subject.history.get().history_user == world.users["clerk_a"]
    assert "用户“nobody”不存在" in _command_error("subjects", str(path), "--user", "nobody")


def test_the_command_acts_as_the_first_admin_and_refuses_without_one(world, tmp_path, capsys):
    path = tmp_path / "t.xlsx"
    xlsx(VALID["targets"][1], path=path)
    call_command("import_xlsx", "targets", str(path))
    assert "新增3行" in capsys.readouterr().out
    assert Target.history.filter(history_user=world.users["admin"]).count() == 3
    world.users["admin"].is_active = False  # users are deactivated, never deleted (their records stay theirs)
    world.users["admin"].save()
    assert "没有可用的系统管理员用户" in _command_error("targets", str(path))


def _child_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(SQLITE_PATH=str(tmp_path / "child.sqlite3"), SANZERO_VAR_DIR=str(tmp_path / "var"),
               PYTHONIOENCODING="utf-8")
    return env


def _manage(env, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_the_command_exits_1_on_a_refused_file_in_a_fresh_process(tmp_path):
    env = _child_env(tmp_path)
    assert _manage(env, "migrate", "-v0").returncode == 0
    created = _manage(env, "add_user", "root", "--role", "admin", stdin="Root-pass-2026\n")
    assert created.returncode == 0, created.stderr
    (tmp_path / "renamed.xlsx").write_text("区划代码,名称\n990121000000,测试县\n", encoding="utf-8")
    refused = _manage(env, "import_xlsx", "regions", str(tmp_path / "renamed.xlsx"))
    assert refused.returncode == 1
    assert "文件不是有效的Excel（.xlsx）文件" in refused.stderr and "未写入任何数据" in refused.stderr

    xlsx([["区划代码", "名称", "层级", "上级区划代码"], ["990121000000", "测试县", "县", None],
          ["990121100000", "甲镇", "乡镇", "990121000000"], ["990121100200", "甲一村", "村", "99012110000X"]],
         path=tmp_path / "regions.xlsx")
    bad_row = _manage(env, "import_xlsx", "regions", str(tmp_path / "regions.xlsx"))
    assert bad_row.returncode == 1
    assert "第4行 上级区划代码: 上级区划“99012110000X”不存在（系统和本文件中都没有）" in bad_row.stderr
    with sqlite3.connect(tmp_path / "child.sqlite3") as db:
        assert db.execute("select count(*) from units_region").fetchone()[0] == 0  # not even the two good rows

    xlsx([["区划代码", "名称", "层级", "上级区划代码"], ["990121000000", "测试县", "县", None],
          ["990121100000", "甲镇", "乡镇", "990121000000"]], path=tmp_path / "regions.xlsx")
    done = _manage(env, "import_xlsx", "regions", str(tmp_path / "regions.xlsx"))
    assert done.returncode == 0, done.stderr
    assert "新增2行" in done.stdout
    with sqlite3.connect(tmp_path / "child.sqlite3") as db:
        assert db.execute("select count(*) from units_region").fetchone()[0] == 2


# -- regions and targets ----------------------------------------------------------------------------


def test_regions_rename_but_never_change_level_or_parent(world):
    admin = world.users["admin"]
    rows = [["区划代码", "名称", "层级", "上级区划代码"],
            ["990121100000", "甲镇（新名）", "乡镇", "990121000000"],
            ["990121101000", "乙镇", "县", None],
            ["990121103200", "孤村", "村", None]]
    result = import_file(actor=admin, kind="regions", file=xlsx(rows), dry_run=False)
    assert result.errors == [
        "第3行 层级: 区划代码已存在，层级为“乡镇(街道)”；导入只能修改名称，不能修改层级",
        "第4行 上级区划代码: 村级区划须填写上级区划代码",
    ]
    del rows[2:]
    result = import_file(actor=admin, kind="regions", file=xlsx(rows), dry_run=False)
    assert (result.changed, result.unchanged) == (1, 0)
    assert Region.objects.get(code="990121100000").name == "甲镇（新名）"


def test_new_villages_get_their_own_subject(world):
    assert import_file(actor=world.users["admin"], kind="regions", file=xlsx(VALID["regions"][1]), dry_run=False).ok
    village = Region.objects.get(code="990121102200")
    assert village.parent.code == "990121102000"
    assert Subject.objects.get(village_region=village).category.name == "村"


def test_targets_are_for_county_staff_inside_their_scope(world):
    rows = [["年度", "区划代码", "主体分组", "目标达标率"], [2026, "990121000000", "村(社区)", "150%"],
            [1999, "990121000000", "单位(企业)", 0.9]]
    result = import_file(actor=world.users["county"], kind="targets", file=xlsx(rows), dry_run=True)
    assert result.errors == ["第2行 目标达标率: 应为0到1之间的比率（如0.8、80或80%）", "第3行 年度: 年度应在2000–2100之间"]
    refused = import_file(actor=world.users["clerk_a"], kind="targets", file=xlsx(VALID["targets"][1]), dry_run=True)
    assert refused.errors == ["您的角色或管辖范围不能导入“年度目标”。"]


# -- audit ------------------------------------------------------------------------------------------


def test_imported_subjects_have_audit_entries_by_the_importer(world):
    clerk = world.users["clerk_a"]
    assert import_file(actor=clerk, kind="subjects", file=xlsx(VALID["subjects"][1]), dry_run=False).ok
    for name in ("甲镇卫生院", "甲一村幼儿园", "甲城社区便民店"):
        record = Subject.objects.get(name=name).history.get()
        assert (record.history_type, record.history_user, record.history_change_reason) == ("+", clerk, "Excel导入")
    rows = [SUBJECT_HEADERS, ["甲镇卫生院", "医院", "990121100000", None, None, "赵院长", None, None, None, None]]
    assert import_file(actor=clerk, kind="subjects", file=xlsx(rows), dry_run=False).changed == 1
    latest = Subject.objects.get(name="甲镇卫生院").history.order_by("-history_id").first()
    assert (latest.history_type, latest.history_user, latest.responsible_person) == ("~", clerk, "赵院长")


def test_a_subject_row_with_a_leaving_date_deregisters_and_stays_idempotent(world):
    clerk = world.users["clerk_a"]
    rows = [SUBJECT_HEADERS, ["甲一村超市", "企业", "990121100200", None, "市场监督管理局", None, None, None, None, "2025-06-30"]]
    first = import_file(actor=clerk, kind="subjects", file=xlsx(rows), dry_run=False)
    assert (first.new, first.changed) == (0, 1), first.errors
    world.shop_a.refresh_from_db()
    assert world.shop_a.left_on == date(2025, 6, 30)
    again = import_file(actor=clerk, kind="subjects", file=xlsx(rows), dry_run=False)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 1)


def test_the_bulk_path_writes_thousands_of_subjects_with_audit(world):
    rows = [SUBJECT_HEADERS] + [[f"批量单位{i:04d}", "企业", "990121100000", None, None, None, None, None, None, None]
                                for i in range(1200)]
    result = import_file(actor=world.users["clerk_a"], kind="subjects", file=xlsx(rows), dry_run=False)
    assert result.new == 1200
    history = Subject.history.filter(name__startswith="批量单位")
    assert history.count() == 1200 and set(history.values_list("history_user__username", flat=True)) == {"clerk_a"}


# -- the pages --------------------------------------------------------------------------------------


def test_who_may_open_the_import_pages(world, client_as):
    url = reverse("importing:index")
    responses = check_role_matrix(client_as, url, {
        "admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 200, "grid_a": 200, "dept_edu": 403, "anonymous": 302,
    })
    kinds = {name: {c[0] for c in r.context["form"].fields["kind"].choices if c[0]}
             for name, r in responses.items() if r.status_code == 200}
    assert kinds["admin"] == set(kind_names())
    assert kinds["county"] == {"targets", "holidays"}
    assert kinds["clerk_a"] == {"subjects", "disputes", "hazards", "accidents", "petitions", "cases"}
    assert kinds["grid_a"] == {"disputes", "hazards", "accidents", "petitions", "cases"}
    check_role_matrix(client_as, reverse("importing:history"), {"dept_edu": 403, "anonymous": 302, "grid_a": 200})
    check_role_matrix(client_as, reverse("importing:template", args=["subjects"]),
                      {"clerk_a": 200, "county": 403, "dept_edu": 403, "anonymous": 302})


def test_the_nav_offers_imports_to_importing_roles(world, client_as):
    assert "/imports/" in client_as("clerk_a").get("/").content.decode()
    assert "/imports/" not in client_as("dept_edu").get("/").content.decode()


def test_the_template_of_each_kind(world, client_as):
    client = client_as("admin")
    for name, kind in KINDS.items():
        response = client.get(reverse("importing:template", args=[name]))
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                                 if response.streaming else response.content))
        sheet = book.worksheets[0]
        assert [c.value for c in sheet[1]] == kind.spec().headers
        assert "说明" in book.sheetnames
        if name in ("disputes", "hazards", "petitions", "subjects"):
            assert sheet.data_validations.dataValidation, name
    subjects = openpyxl.load_workbook(io.BytesIO(client.get(reverse("importing:template", args=["subjects"])).content))
    formats = {cell.number_format for cell in subjects.worksheets[0]["I"][1:5]}
    assert formats == {"yyyy-mm-dd"}
    assert client.get("/imports/template/nothing.xlsx").status_code == 404


def test_the_web_flow_upload_dry_run_confirm(world, client_as):
    client = client_as("clerk_a")
    bad = xlsx([SUBJECT_HEADERS,
                ["网页单位", "企业", "990121100000", None, None, None, None, None, None, None],
                ["网页坏行", "学堂", "990121100000", None, None, None, None, None, None, None]])
    response = client.post(reverse("importing:index"), {"kind": "subjects",
                                                        "file": _upload("坏文件.xlsx", bad)})
    job = ImportJob.objects.get(filename="坏文件.xlsx")
    assert response.status_code == 302 and response["Location"] == reverse("importing:job", args=[job.pk])
    assert job.status == "invalid" and job.file.name.endswith(".xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "试导入未通过" in page and "第3行" in page and "主体类别" in page and "确认导入" not in page

    good = xlsx([SUBJECT_HEADERS, ["网页单位", "企业", "990121100000", None, None, None, None, None, None, None],
                 ["甲一村超市", "企业", "990121100200", None, "市场监督管理局", None, None, None, None, None]])
    response = client.post(reverse("importing:index"), {"kind": "subjects", "file": _upload("好文件.xlsx", good)})
    job = ImportJob.objects.get(filename="好文件.xlsx")
    assert (job.status, job.total_rows, job.new_rows, job.changed_rows, job.unchanged_rows) == ("validated", 2, 1, 0, 1)
    page = client.get(response["Location"]).content.decode()
    assert "试导入通过" in page and "确认导入（新增1行，修改0行）" in page
    assert not Subject.objects.filter(name="网页单位").exists()

    response = client.post(reverse("importing:confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.finished_at is not None
    assert Subject.objects.get(name="网页单位").history.get().history_user == world.users["clerk_a"]
    assert "导入完成" in client.get(reverse("importing:job", args=[job.pk])).content.decode()
    again = client.post(reverse("importing:confirm", args=[job.pk]), follow=True)
    assert "不能确认导入" in again.content.decode()
    assert Subject.objects.filter(name="网页单位").count() == 1

    mine = client.get(reverse("importing:history")).content.decode()
    assert "好文件.xlsx" in mine and "坏文件.xlsx" in mine
    assert client.get(reverse("importing:download", args=[job.pk])).status_code == 200
    # Someone else's job is not there for them.
    assert client_as("clerk_b").get(reverse("importing:job", args=[job.pk])).status_code == 404
    assert client_as("clerk_b").post(reverse("importing:confirm", args=[job.pk])).status_code == 404


def test_the_upload_form_refuses_other_files_and_kinds(world, client_as):
    client = client_as("clerk_a")
    response = client.post(reverse("importing:index"), {"kind": "subjects", "file": _upload("a.xls", b"old")})
    assert response.status_code == 400 and "只能上传Excel的.xlsx文件" in response.content.decode()
    response = client.post(reverse("importing:index"), {"kind": "targets", "file": _upload("t.xlsx", b"x")})
    assert response.status_code == 400  # not a kind a clerk may import
    renamed = client.post(reverse("importing:index"), {"kind": "subjects", "file": _upload("r.xlsx", b"plain text")})
    job = ImportJob.objects.get(filename="r.xlsx")
    assert renamed.status_code == 302 and job.status == "invalid"
    assert job.errors[0]["message"] == "文件不是有效的Excel（.xlsx）文件"
    assert ImportJob.objects.count() == 1


def test_department_staff_cannot_upload(world, client_as):
    data = xlsx(VALID["subjects"][1])
    response = client_as("dept_edu").post(reverse("importing:index"), {"kind": "subjects",
                                                                       "file": _upload("s.xlsx", data)})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_big_files_run_as_a_task_with_progress(world, client_as, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    real_delay = jobs.import_job_task.delay
    monkeypatch.setattr(jobs.import_job_task, "delay", lambda *a: sent.append(a) or real_delay(*a))
    rows = [SUBJECT_HEADERS] + [[f"后台单位{i:04d}", "企业", "990121100000", None, None, None, None, None, None, None]
                                for i in range(jobs.ASYNC_ROW_THRESHOLD + 1)]
    client = client_as("clerk_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("importing:index"), {"kind": "subjects",
                                                            "file": _upload("big.xlsx", xlsx(rows))})
    job = ImportJob.objects.get(filename="big.xlsx")
    assert sent == [(job.pk, False)]
    assert job.status == "validated" and job.new_rows == jobs.ASYNC_ROW_THRESHOLD + 1
    assert response["Location"] == reverse("importing:job", args=[job.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("importing:confirm", args=[job.pk]))
    assert sent[-1] == (job.pk, True)
    job.refresh_from_db()
    assert (job.status, job.progress, job.new_rows) == ("done", 100, jobs.ASYNC_ROW_THRESHOLD + 1)
    assert Subject.objects.filter(name__startswith="后台单位").count() == jobs.ASYNC_ROW_THRESHOLD + 1
    # A second delivery of the task (acks_late) finds the job finished and does nothing.
    assert jobs.import_job_task(job.pk, True) == "done"
    job.refresh_from_db()
    assert (job.status, job.new_rows, job.unchanged_rows) == ("done", jobs.ASYNC_ROW_THRESHOLD + 1, 0)


def test_a_running_job_page_polls_its_progress(world, client_as):
    job = ImportJob.objects.create(user=world.users["clerk_a"], kind="subjects", filename="x.xlsx", file="imports/x.xlsx",
                                   status="running", total_rows=5000, progress=40)
    client = client_as("clerk_a")
    page = client.get(reverse("importing:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "40%" in page
    assert "校验中" in page and "正在后台校验" in page  # no counts yet: the dry run is running
    ImportJob.objects.filter(pk=job.pk).update(new_rows=5000)  # counts of a passed dry run: importing
    page = client.get(reverse("importing:job", args=[job.pk])).content.decode()
    assert "导入中" in page and "正在后台导入" in page and "校验中" not in page
    partial = client.get(reverse("importing:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "import-progress" in partial.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status="done")
    finished = client.get(reverse("importing:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert finished.status_code == 204 and finished["HX-Refresh"] == "true"


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_the_bulk_service_never_overwrites_a_concurrent_edit(world):
    from sanzero.services import ConflictError
    from units import services

    clerk = world.users["clerk_a"]
    stale = Subject.objects.get(pk=world.shop_a.pk)
    services.subject_update(actor=clerk, subject=Subject.objects.get(pk=world.shop_a.pk),
                            data={"responsible_person": "网页修改"})
    with pytest.raises(ConflictError):
        services.subjects_bulk_save(actor=clerk, creates=[], updates=[(stale, {"responsible_person": "导入修改"})])
    assert Subject.objects.get(pk=world.shop_a.pk).responsible_person == "网页修改"
    with pytest.raises(Exception, match="管辖范围"):
        services.subjects_bulk_save(actor=clerk, creates=[{"name": "越界", "category": world.shop_b.category,
                                                           "region": world.village_b}], updates=[])
    assert not Subject.objects.filter(name="越界").exists()


def test_a_job_a_dead_worker_left_running_is_given_up_by_the_sweeper(world, client_as):
    import time_machine

    from sanzero.tasks import give_up_stale_jobs_task

    with time_machine.travel(datetime(2026, 3, 20, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        running = ImportJob.objects.create(user=world.users["clerk_a"], kind="subjects", filename="x.xlsx",
                                           file="imports/x.xlsx", status="running", total_rows=5000, progress=40,
                                           started_at=timezone.now())
    with time_machine.travel(datetime(2026, 3, 20, 11, 30, tzinfo=timezone.get_current_timezone()), tick=False):
        fresh = ImportJob.objects.create(user=world.users["clerk_a"], kind="subjects", filename="y.xlsx",
                                         file="imports/y.xlsx", status="queued", total_rows=5000)
        client = client_as("clerk_a")
        assert 'hx-trigger="every 1s"' in client.get(reverse("importing:job", args=[running.pk])).content.decode()
        assert give_up_stale_jobs_task()["sanzero.ImportJob"] == 1
        running.refresh_from_db()
        fresh.refresh_from_db()
        assert (running.status, fresh.status) == ("failed", "queued") and running.given_up
        page = client.get(reverse("importing:job", args=[running.pk])).content.decode()
        assert "导入失败（已停止响应）" in page and "任务已中断" in page and "整个文件未写入任何数据" in page
        assert 'hx-trigger="every 1s"' not in page
        assert "失败（已停止响应）" in client.get(reverse("importing:history")).content.decode()


def test_a_dry_run_confirmed_hours_after_the_upload_is_not_stale(world):
    """Confirming queues the job again and restarts its clock: the sweeper leaves it to its worker."""
    from sanzero.jobs import give_up_stale

    job = ImportJob.objects.create(user=world.users["clerk_a"], kind="subjects", filename="x.xlsx",
                                   file="imports/x.xlsx", status="validated", total_rows=5000)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=5),
                                               started_at=timezone.now() - timedelta(hours=5))
    ImportJob.objects.filter(pk=job.pk).update(status="queued", started_at=timezone.now())  # as job_confirm does
    assert give_up_stale(ImportJob) == 0


# -- a real worker (CI: PostgreSQL + Redis) -------------------------------------------------------------------

@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_big_import_runs_on_a_real_worker(world, client_as, settings, monkeypatch, worker):
    """Dry run and import of a file over the threshold both run in the worker process, by task name."""
    import time

    monkeypatch.setattr(jobs, "ASYNC_ROW_THRESHOLD", 2)  # decided in this process: send it to the worker
    rows = [SUBJECT_HEADERS] + [[f"工作进程单位{i}", "企业", "990121100000", None, None, None, None, None, None, None]
                                for i in range(5)]
    client = client_as("clerk_a")
    client.post(reverse("importing:index"), {"kind": "subjects", "file": _upload("worker.xlsx", xlsx(rows))})
    job = ImportJob.objects.get(filename="worker.xlsx")

    def wait_for(*statuses):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in statuses:
                return
            time.sleep(0.3)
        pytest.fail(f"the import job stayed {job.status}")

    try:
        wait_for("validated", "invalid", "failed")
        assert (job.status, job.new_rows) == ("validated", 5), job.errors
        assert not Subject.objects.filter(name__startswith="工作进程单位").exists()
        client.post(reverse("importing:confirm", args=[job.pk]))
        wait_for("done", "failed")
        assert job.status == "done", job.errors
        created = Subject.objects.filter(name__startswith="工作进程单位")
        assert created.count() == 5
        assert {s.history.get().history_user for s in created} == {world.users["clerk_a"]}
    finally:
        job.file.storage.delete(job.file.name)


def test_a_row_that_breaks_a_check_constraint_on_write_is_explained_and_nothing_is_written(world, monkeypatch):
    """The import leaves check constraints to the database (faster); a row the forms let through but
    a CHECK refuses still rolls back the whole file, with the constraint's own Chinese message."""
    from disputes import services as dispute_services
    from sanzero.services import constraints_checked_by_database

    kind = KINDS["disputes"]
    real = dispute_services.dispute_create
    monkeypatch.setattr(type(kind), "create_service",
                        staticmethod(lambda *, actor, data, steps: real(actor=actor, data={**data, "people_count": 0},
                                                                        steps=steps)))
    before = (Dispute.objects.count(), Dispute.history.count())
    result = import_file(actor=world.users["clerk_a"], kind="disputes", file=xlsx(VALID["disputes"][1]),
                         dry_run=False)
    assert result.errors == ["第2行: 涉及人数至少为1人。"]
    assert (Dispute.objects.count(), Dispute.history.count()) == before

    # Outside an import the service still validates the constraint itself, as a form error.
    data = {"subject": world.shop_a, "found_on": date(2026, 3, 2), "category": "邻里纠纷", "summary": "x",
            "people_count": 0}
    with pytest.raises(ValidationError, match="涉及人数至少为1人"):
        dispute_services.dispute_create(actor=world.users["clerk_a"], data=data)
    with constraints_checked_by_database(), pytest.raises(IntegrityError):
        with transaction.atomic():
            dispute_services.dispute_create(actor=world.users["clerk_a"], data=data)


def test_the_administrator_reads_import_and_export_jobs_in_the_admin_without_their_files(world, client_as):
    from sanzero.models import ExportJob

    job = ImportJob.objects.create(user=world.users["clerk_a"], kind="subjects", filename="名单.xlsx",
                                   file="imports/secret-name.xlsx", status="done", total_rows=3, new_rows=3)
    export = ExportJob.objects.create(user=world.users["county"], kind="units:subject_list", label="创建主体（全部）",
                                      file="exports/secret-export.xlsx", status="done", row_count=3)
    admin = client_as("admin")
    assert "名单.xlsx" in admin.get("/admin/sanzero/importjob/").content.decode()
    for url in (f"/admin/sanzero/importjob/{job.pk}/change/", f"/admin/sanzero/exportjob/{export.pk}/change/"):
        page = admin.get(url)
        assert page.status_code == 200 and "secret-" not in page.content.decode()
    assert admin.get("/admin/sanzero/importjob/add/").status_code == 403
    assert admin.post(f"/admin/sanzero/exportjob/{export.pk}/delete/").status_code == 403
