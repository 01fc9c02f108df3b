"""Every kind of sheet (DESIGN §7) imports and importing it again changes nothing; the headers, the stored
values, changed rows, regions and targets, the audit, the bulk path for subjects."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from cases.models import PoliceCase
from dashboards.models import Target
from disputes.models import Dispute
from hazards.models import Accident, Hazard
from petitions.models import Petition
from sanzero.importing.base import KINDS, kind_names
from sanzero.importing.engine import import_file
from sanzero.tests.helpers import DISPUTE_HEADERS, HANDBOOK_HEADERS, STEP_COLUMNS, SUBJECT_HEADERS, VALID, xlsx
from units.models import Region, Subject

pytestmark = pytest.mark.usefixtures("media")  # uploads and import records go to a temporary MEDIA_ROOT


def test_there_are_the_handbooks_eight_kinds_and_holidays_with_their_headers(db):
    assert kind_names() == (
        "regions",
        "subjects",
        "disputes",
        "hazards",
        "listings",  # issue 14: 重大隐患挂牌督办, beside its hazards
        "accidents",
        "petitions",
        "cases",
        "public_order",  # issue 14: 治安问题
        "places",
        "persons",
        "targets",
        "holidays",
    )
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
        "已化解",
        date(2025, 3, 8),
        "自查",
        "黄",
    )
    assert resolved.due_on is None and resolved.created_by == clerk
    open_dispute = Dispute.objects.get(summary="拖欠两名店员工资")
    assert (open_dispute.status, open_dispute.source, open_dispute.people_count) == ("调解中", "网格排查", 2)

    closed = Hazard.objects.get(description="灭火器过期")
    assert (closed.status, closed.accepted_by, closed.accepted_on) == (
        "已销号",
        world.users["county"],
        date(2025, 4, 5),
    )
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
    rows = [
        DISPUTE_HEADERS,
        [
            "990121100200",
            "甲一村",
            "2025-03-05",
            "邻里纠纷",
            "宅基地边界争执",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        ["990121100200", "甲一村", "2025-03-06", "其他", "噪音扰民", None, None, None, None, None, None, None],
    ]
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


def test_dates_as_real_excel_dates_and_as_text_both_import(world):
    rows = [
        SUBJECT_HEADERS,
        ["日期单位一", "企业", "990121100000", None, None, None, None, None, datetime(2025, 3, 5), None],
        ["日期单位二", "企业", "990121100000", None, None, None, None, None, "2025-03-06", None],
        ["日期单位三", "企业", "990121100000", None, None, None, None, None, date(2025, 3, 7), None],
    ]
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


def test_regions_rename_but_never_change_level_or_parent(world):
    admin = world.users["admin"]
    rows = [
        ["区划代码", "名称", "层级", "上级区划代码"],
        ["990121100000", "甲镇（新名）", "乡镇", "990121000000"],
        ["990121101000", "乙镇", "县", None],
        ["990121103200", "孤村", "村", None],
    ]
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
    rows = [
        ["年度", "区划代码", "主体分组", "目标达标率"],
        [2026, "990121000000", "村(社区)", "150%"],
        [1999, "990121000000", "单位(企业)", 0.9],
    ]
    result = import_file(actor=world.users["county"], kind="targets", file=xlsx(rows), dry_run=True)
    assert result.errors == [
        "第2行 目标达标率: 应为0到1之间的比率（如0.8、80或80%）",
        "第3行 年度: 年度应在2000–2100之间",
    ]
    refused = import_file(actor=world.users["clerk_a"], kind="targets", file=xlsx(VALID["targets"][1]), dry_run=True)
    assert refused.errors == ["您的角色或管辖范围不能导入“年度目标”。"]


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
    rows = [
        SUBJECT_HEADERS,
        ["甲一村超市", "企业", "990121100200", None, "市场监督管理局", None, None, None, None, "2025-06-30"],
    ]
    first = import_file(actor=clerk, kind="subjects", file=xlsx(rows), dry_run=False)
    assert (first.new, first.changed) == (0, 1), first.errors
    world.shop_a.refresh_from_db()
    assert world.shop_a.left_on == date(2025, 6, 30)
    again = import_file(actor=clerk, kind="subjects", file=xlsx(rows), dry_run=False)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 1)


def test_the_bulk_path_writes_thousands_of_subjects_with_audit(world):
    rows = [SUBJECT_HEADERS] + [
        [f"批量单位{i:04d}", "企业", "990121100000", None, None, None, None, None, None, None] for i in range(1200)
    ]
    result = import_file(actor=world.users["clerk_a"], kind="subjects", file=xlsx(rows), dry_run=False)
    assert result.new == 1200
    history = Subject.history.filter(name__startswith="批量单位")
    assert history.count() == 1200 and set(history.values_list("history_user__username", flat=True)) == {"clerk_a"}


def test_the_bulk_service_never_overwrites_a_concurrent_edit(world):
    from sanzero.services import ConflictError
    from units import services

    clerk = world.users["clerk_a"]
    stale = Subject.objects.get(pk=world.shop_a.pk)
    services.subject_update(
        actor=clerk, subject=Subject.objects.get(pk=world.shop_a.pk), data={"responsible_person": "网页修改"}
    )
    with pytest.raises(ConflictError):
        services.subjects_bulk_save(actor=clerk, creates=[], updates=[(stale, {"responsible_person": "导入修改"})])
    assert Subject.objects.get(pk=world.shop_a.pk).responsible_person == "网页修改"
    with pytest.raises(Exception, match="管辖范围"):
        services.subjects_bulk_save(
            actor=clerk,
            creates=[{"name": "越界", "category": world.shop_b.category, "region": world.village_b}],
            updates=[],
        )
    assert not Subject.objects.filter(name="越界").exists()
