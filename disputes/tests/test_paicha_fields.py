"""What the 矛盾纠纷排查情况表 needs of a dispute (issue 14): the level that handled it (县/乡镇/村居, from the
ladder), 调处 (a mediation carried out, with its date) apart from 成功 (已化解), and 重大 — on the web, in the
services, in the import sheet, audited."""

import datetime

import pytest
from openpyxl import load_workbook

from disputes import services
from disputes.models import Dispute, MediationLevel, tier_from_name
from disputes.tests.helpers import dispute, form_data, fresh, run
from sanzero.importing.base import get_kind
from sanzero.importing.engine import import_file
from sanzero.services import ServiceError
from sanzero.tests.helpers import xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

D = datetime.date


def county_level(world) -> MediationLevel:
    return services.level_create(
        actor=world.users["county"], data={"order": 50, "name": "县矛调中心", "working_days": 3}
    )


def test_the_ladders_rungs_say_which_column_they_count_in():
    assert [(x.name, x.tier) for x in MediationLevel.objects.order_by("order")] == [
        ("网格员", "村居"),
        ("村(社区)调委会", "村居"),
        ("乡镇综治中心", "乡镇"),
        ("乡镇党委政府", "乡镇"),
    ]
    assert [tier_from_name(n) for n in ("县矛调中心", "区综治中心", "街道调委会", "社区调委会")] == [
        "县",
        "县",
        "乡镇",
        "村居",
    ]


def test_a_dispute_is_handled_at_its_levels_tier_and_follows_an_escalation(world):
    top = county_level(world)
    d = dispute(world)
    assert d.handling_tier == "村居"
    assert dispute(world, level=MediationLevel.objects.get(name="乡镇综治中心")).handling_tier == "乡镇"
    assert dispute(world, handling_tier="县").handling_tier == "县"  # said so: kept
    for _ in range(4):
        run(world, fresh(d), "escalate", note="本级期限已满")
    d = fresh(d)
    assert d.level == top and d.handling_tier == "县"
    assert d.history.first().handling_tier == "县"


def test_mediation_is_recorded_once_apart_from_success_and_audited(world):
    d = dispute(world)
    with pytest.raises(ServiceError, match=r"调处日期不能早于登记日期（2026-03-02）"):
        run(world, d, "mediate", mediated_on=D(2026, 3, 1))
    run(world, fresh(d), "mediate", mediated_on=D(2026, 3, 4), note="组织双方面对面调解")
    d = fresh(d)
    assert d.mediated_on == D(2026, 3, 4) and d.status == "调解中"  # 调处 without 成功
    entry = d.history.first()
    assert (
        entry.history_change_reason == "登记调处（组织双方面对面调解）" and entry.history_user == world.users["clerk_a"]
    )
    with pytest.raises(ServiceError, match="已于2026-03-04登记调处"):
        run(world, d, "mediate", mediated_on=D(2026, 3, 5))
    with pytest.raises(ServiceError, match=r"化解日期不能早于调处日期（2026-03-04）"):
        run(world, d, "resolve", resolved_on=D(2026, 3, 3), agreement_type="书面", agreement="协议")
    run(world, fresh(d), "resolve", resolved_on=D(2026, 3, 9), agreement_type="口头", agreement="协议")
    assert fresh(d).mediated_on == D(2026, 3, 4)  # the mediation's date stays


def test_settling_or_failing_dates_the_mediation_when_none_was_recorded(world):
    settled = run(world, dispute(world), "resolve", resolved_on=D(2026, 3, 6), agreement_type="书面", agreement="协议")
    assert fresh(settled).mediated_on == D(2026, 3, 6)
    failed = run(world, dispute(world), "fail", note="分歧过大", mediated_on=D(2026, 3, 10))
    assert fresh(failed).mediated_on == D(2026, 3, 10)
    undated = run(world, dispute(world, found_on=D(2026, 3, 9)), "fail", note="一方拒绝调解")
    assert fresh(undated).mediated_on == D(2026, 3, 9)  # the day its level took it up


def test_the_forms_record_major_tier_and_mediation_date(world, client_as):
    client = client_as("clerk_a")
    response = client.post("/disputes/new/", form_data(world, is_major="on", mediated_on="2026-03-01"))
    assert response.status_code == 400
    assert "调处日期不能早于登记日期（2026-03-02）。" in response.content.decode()
    response = client.post("/disputes/new/", form_data(world, is_major="on", mediated_on="2026-03-03"))
    assert response.status_code == 302
    d = Dispute.objects.get()
    assert (d.is_major, d.mediated_on, d.handling_tier) == (True, D(2026, 3, 3), "村居")
    response = client.post(
        f"/disputes/{d.pk}/edit/", form_data(world, handling_tier="乡镇", mediated_on="2026-03-03", version=d.version)
    )
    assert response.status_code == 302
    d = fresh(d)
    assert (d.is_major, d.handling_tier) == (False, "乡镇")
    change, before = d.history.all()[:2]
    assert change.history_user == world.users["clerk_a"] and before.is_major is True
    page = client.get(f"/disputes/{d.pk}/").content.decode()
    assert "调处层级" in page and "乡镇" in page and "2026-03-03" in page
    # the step's own form
    other = dispute(world)
    assert client.get(f"/disputes/{other.pk}/do/mediate/").status_code == 200
    client.post(f"/disputes/{other.pk}/do/mediate/", {"mediated_on": "2026-03-05", "version": other.version})
    assert fresh(other).mediated_on == D(2026, 3, 5)


HEADERS = ["所属区划代码", "主体名称", "登记日期", "纠纷类别", "简要情况", "状态", "化解日期", "协议内容"]


def run_import(world, rows, dry_run=False):
    return import_file(actor=world.users["clerk_a"], kind="disputes", file=xlsx(rows), dry_run=dry_run)


def test_the_import_takes_the_new_columns_and_keeps_working_without_them(world):
    extra = [*HEADERS, "是否重大", "调处层级", "调处日期"]
    rows = [
        extra,
        ["990121100200", "甲一村超市", "2026-03-02", "拖欠农民工工资", "欠薪三月", "已化解", "2026-03-08", "结清", "是", "乡镇", None],
        ["990121100200", "甲一村超市", "2026-03-03", "邻里纠纷", "排水", "调解不成", None, None, None, None, None],
        ["990121100200", "甲一村超市", "2026-03-04", "旅游纠纷", "农家乐收费", None, None, None, "否", None, "2026-03-05"],
    ]  # fmt: skip
    rows[2][extra.index("协议内容")] = None
    result = run_import(world, [*rows[:2], rows[3]])
    assert result.errors == [], result.errors
    wages, tourism = Dispute.objects.order_by("found_on")
    assert (wages.category, wages.is_major, wages.handling_tier, wages.mediated_on) == (
        "拖欠农民工工资",
        True,
        "乡镇",
        D(2026, 3, 8),
    )
    assert (tourism.status, tourism.mediated_on, tourism.handling_tier) == ("调解中", D(2026, 3, 5), "村居")
    # the same file again changes nothing (a blank 调处日期 keeps the one 登记化解 set)
    again = run_import(world, [*rows[:2], rows[3]])
    assert again.errors == [] and (again.new, again.changed) == (0, 0)
    # an old file without the new columns still imports; a failed mediation without a date: its 登记日期
    old = [
        HEADERS[:6] + ["调解不成原因"],
        ["990121100200", "甲一村超市", "2026-03-03", "邻里纠纷", "排水", "调解不成", "一方拒绝"],
    ]
    assert run_import(world, old).errors == []
    assert Dispute.objects.get(category="邻里纠纷").mediated_on == D(2026, 3, 3)
    # a wrong word is refused with the row and the column
    bad = [extra, ["990121100200", "甲一村超市", "2026-03-06", "其他", "x", None, None, None, "大概", "市", None]]
    assert run_import(world, bad, dry_run=True).errors == [
        "第2行 是否重大: 应为“是”或“否”",
        "第2行 调处层级: 应为以下之一：县、乡镇、村居",
    ]


def test_the_template_and_its_explanation_carry_the_new_columns(world, tmp_path):
    from io import BytesIO

    from sanzero.xlsx import write_template

    kind = get_kind("disputes")
    buffer = BytesIO()
    write_template(buffer, kind.spec(), title="矛盾纠纷导入模板", notes=kind.template_notes())
    workbook = load_workbook(BytesIO(buffer.getvalue()))
    headers = [c.value for c in workbook.worksheets[0][1]]
    for header in (
        "登记日期",
        "纠纷类别",
        "简要情况",
        "来源",
        "当事人",
        "涉及人数",
        "风险等级",
        "状态",
        "化解日期",
        "备注",
    ):
        assert header in headers  # DESIGN §7's headers, unchanged
    assert {"是否重大", "调处层级", "调处日期"} <= set(headers)
    explained = {row[0].value: row for row in workbook["说明"].iter_rows(min_row=3) if row[0].value}
    assert "县、乡镇、村居" in explained["调处层级"][2].value
    assert "拖欠农民工工资" in explained["纠纷类别"][2].value and "婚姻家庭" in explained["纠纷类别"][2].value


def test_the_ladder_page_sets_a_rungs_tier(world, client_as):
    client = client_as("county")
    response = client.post(
        "/disputes/levels/new/", {"order": 50, "name": "综治分中心", "working_days": 2, "tier": "县"}
    )
    assert response.status_code == 302
    level = MediationLevel.objects.get(name="综治分中心")
    assert level.tier == "县" and level.history.first().history_user == world.users["county"]
    assert "统计层级" in client.get("/disputes/levels/").content.decode()
