"""Go-live correctness (issue 9): 年度累计 overrides that carry forward, rule presets per county and group,
department figures, honest rates.

The world: 测试县 with 甲镇 (甲一村, 甲城社区, 甲镇中心学校 of 教育局, 甲一村超市) and 乙镇 (乙一村, 乙镇中学 of
教育局, 乙一村商店); seven subjects, two of them schools.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from cases.models import PoliceCase
from dashboards import compute, services
from dashboards.models import DepartmentMonth, OverrideLog, RegionMonth, RuleSet, SubjectMonth, Target
from hazards.models import Accident
from reports.builder import build_report
from sanzero.rates import Rate, percent_text, points_text
from sanzero.services import ServiceError
from sanzero.testing import check_role_matrix
from units.models import Category, Department, Region, RegionLevel, Subject
from units.services import region_create

pytestmark = pytest.mark.django_db
JAN, FEB, MAR, APR, MAY = (datetime.date(2026, m, 1) for m in range(1, 6))


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 6, 10, 9, 0), tick=False):
        yield


def months(world, *ms, region=None):
    for m in ms:
        compute.compute_month(region=region or world.county, month=m)


def sm(subject, month) -> SubjectMonth:
    return SubjectMonth.objects.get(subject=subject, month=month)


def county_row(world, month, group="unit", period="ytd", region=None) -> RegionMonth:
    return RegionMonth.objects.get(region=region or world.county, month=month, group=group, period=period)


def report_cell(world, month, *, sheet="达标数据", group="单位(企业)", column="三零达标数", **kw):
    buffer = io.BytesIO()
    build_report(user_or_none=None, region=world.county, month=month, stream_or_path=buffer, **kw)
    buffer.seek(0)
    ws = openpyxl.load_workbook(buffer)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    headers = rows[0]
    row = next(r for r in rows[1:] if r[0] == world.county.code and r[3] == group)
    return row[headers.index(column)]


# --- 2. overrides reach 年度累计 and carry into the later months ------------------------------------


@pytest.fixture
def march_accident(world):
    """甲一村超市 has an injury accident in March: it fails March and, without help, every later 年度累计."""
    Accident.objects.create(subject=world.shop_a, occurred_on=datetime.date(2026, 3, 10), kind="火灾", injuries=1)
    Target.objects.create(year=2026, region=world.county, group="unit", rate=Decimal("0.75"))
    months(world, JAN, FEB, MAR, APR, MAY)
    assert [sm(world.shop_a, m).ytd_passed for m in (FEB, MAR, APR, MAY)] == [True, False, False, False]
    return world


def test_a_ytd_override_moves_this_and_every_later_month_at_once(march_accident, client_as):
    world = march_accident
    assert county_row(world, MAY).passed == 3 and county_row(world, MAY).meets_target is True  # 3 of 4 ≥ 75%
    before = report_cell(world, MAY)

    response = client_as("county").post(
        f"/dashboard/subject/{world.shop_a.pk}/2026-03/override/",
        {"period": "ytd", "passed": "1", "reason": "事故系第三方车辆所致，经县应急局认定不计入"},
        follow=True,
    )
    text = response.content.decode()
    assert "已保存2026年3月年度累计的人工认定" in text and "2026年4月至5月的年度累计已随之更新" in text

    march, april, may = sm(world.shop_a, MAR), sm(world.shop_a, APR), sm(world.shop_a, MAY)
    assert march.ytd_passed is True and march.ytd_override_passed is True and march.passed is False  # 本月 untouched
    assert (april.ytd_passed, april.ytd_basis, may.ytd_passed, may.ytd_basis) == (True, MAR, True, MAR)
    assert may.ytd_accident_ok is False  # the zero itself still shows the accident: only 达标 is overridden
    for month in (MAR, APR, MAY):
        assert county_row(world, month).passed == 4
        assert county_row(world, month, group="all").passed == county_row(world, month, group="all").total
        assert county_row(world, month, region=world.town_a).passed == 2
    assert county_row(world, MAR, period="month").passed == 3  # 本月 of March still fails
    assert report_cell(world, MAY) == before + 1 == 4
    assert report_cell(world, MAY, column="三零达标率") == 1.0

    log = OverrideLog.objects.get()
    assert (log.period, log.passed, log.by, log.month) == ("ytd", True, world.users["county"], MAR)

    # the dashboard of May says so, and the subject's May page names the month it follows
    overview = client_as("county").get("/dashboard/?month=2026-05").content.decode()
    assert "100.0%" in overview
    page = client_as("county").get(f"/dashboard/subject/{world.shop_a.pk}/2026-05/").content.decode()
    assert "沿用3月认定" in page and "年度累计沿用2026年3月的人工认定" in page


def test_recomputation_keeps_the_override_and_its_carry(march_accident):
    world = march_accident
    services.subject_month_override(
        actor=world.users["county"], subject_month=sm(world.shop_a, MAR), passed=True, reason="第三方责任", period="ytd"
    )
    months(world, MAR, APR, MAY)
    assert [sm(world.shop_a, m).ytd_passed for m in (MAR, APR, MAY)] == [True, True, True]
    assert county_row(world, MAY).passed == 4
    # a new failure after the override month still fails the later 年度累计
    PoliceCase.objects.create(subject=world.shop_a, occurred_on=datetime.date(2026, 4, 20), kind="刑事")
    months(world, APR, MAY)
    assert [sm(world.shop_a, m).ytd_passed for m in (MAR, APR, MAY)] == [True, False, False]


def test_cancelling_the_override_restores_the_computed_verdicts(march_accident):
    world = march_accident
    county = world.users["county"]
    services.subject_month_override(
        actor=county, subject_month=sm(world.shop_a, MAR), passed=True, reason="x", period="ytd"
    )
    services.subject_month_override(
        actor=county, subject_month=sm(world.shop_a, MAR), passed=None, reason="", period="ytd"
    )
    assert [sm(world.shop_a, m).ytd_passed for m in (MAR, APR, MAY)] == [False, False, False]
    assert county_row(world, MAY).passed == 3
    assert [o.passed for o in OverrideLog.objects.order_by("at")] == [True, None]


def test_a_month_override_flows_into_the_ytd_of_the_later_months(march_accident):
    world = march_accident
    result = services.subject_month_override(
        actor=world.users["county"],
        subject_month=sm(world.shop_a, MAR),
        passed=True,
        reason="本月事故不计",
        period="month",
    )
    assert result.refresh.updated == [MAR, APR, MAY]
    assert [(sm(world.shop_a, m).passed, sm(world.shop_a, m).ytd_passed) for m in (MAR, APR, MAY)] == [
        (True, True),
        (True, True),
        (True, True),
    ]
    assert county_row(world, APR).passed == 4 and county_row(world, MAR, period="month").passed == 4


def test_a_locked_later_month_is_left_alone_and_listed(march_accident, client_as):
    world = march_accident
    services.month_lock(actor=world.users["county"], region=world.county, month=APR, confirm_unsubmitted=True)
    response = client_as("county").post(
        f"/dashboard/subject/{world.shop_a.pk}/2026-03/override/",
        {"period": "ytd", "passed": "1", "reason": "第三方责任"},
        follow=True,
    )
    assert "2026年5月的年度累计已随之更新；4月已锁定，未改变" in response.content.decode()
    assert (sm(world.shop_a, APR).ytd_passed, sm(world.shop_a, MAY).ytd_passed) == (False, True)
    assert county_row(world, APR).passed == 3 and county_row(world, MAY).passed == 4


def test_the_override_form_says_which_period_it_changes(march_accident, client_as):
    page = client_as("county").get(f"/dashboard/subject/{march_accident.shop_a.pk}/2026-03/").content.decode()
    assert "认定范围" in page and 'value="ytd" checked' in page and 'value="month"' in page
    assert "与年度目标比较、计入委员会报表；之后各月的年度累计沿用此认定" in page
    assert "只改本月判定" in page


def test_overrides_are_refused_for_bad_input_and_other_roles(march_accident, client_as):
    world = march_accident
    url = f"/dashboard/subject/{world.shop_a.pk}/2026-03/override/"
    assert client_as("county").post(url, {"period": "year", "passed": "1", "reason": "x"}).status_code == 404
    assert client_as("clerk_b").post(url, {"period": "ytd", "passed": "1", "reason": "x"}).status_code == 404
    with pytest.raises(ServiceError, match="理由"):
        services.subject_month_override(
            actor=world.users["county"], subject_month=sm(world.shop_a, MAR), passed=True, reason=" ", period="ytd"
        )
    client_as("clerk_a").post(url, {"period": "ytd", "passed": "1", "reason": "x"})
    assert sm(world.shop_a, MAR).ytd_override_passed is None and not OverrideLog.objects.exists()


# --- 3. rule presets per county and group; accident kinds and 重伤 --------------------------------


def test_shanxi_preset_fails_any_security_case_and_only_deadly_accidents(world):
    county = world.users["county"]
    PoliceCase.objects.create(subject=world.shop_a, occurred_on=datetime.date(2026, 3, 3), kind="治安")
    Accident.objects.create(
        subject=world.shop_b, occurred_on=datetime.date(2026, 3, 4), kind="道路交通", injuries=3, serious_injuries=1
    )
    Accident.objects.create(subject=world.school_b, occurred_on=datetime.date(2026, 3, 5), kind="溺水", deaths=1)
    months(world, MAR)
    default = {
        s.name: (sm(s, MAR).case_ok, sm(s, MAR).accident_ok) for s in (world.shop_a, world.shop_b, world.school_b)
    }
    assert default == {"甲一村超市": (True, True), "乙一村商店": (True, False), "乙镇中学": (True, False)}

    rule = services.ruleset_update(
        actor=county, group="unit", region=world.county, data={}, preset="shanxi", reason="执行山西口径"
    )
    assert (rule.version, rule.preset, rule.region, rule.accident_basis, rule.case_any_security) == (
        2,
        "shanxi",
        world.county,
        "death",
        True,
    )
    months(world, MAR)
    shanxi = {
        s.name: (sm(s, MAR).case_ok, sm(s, MAR).accident_ok) for s in (world.shop_a, world.shop_b, world.school_b)
    }
    assert shanxi == {"甲一村超市": (False, True), "乙一村商店": (True, True), "乙镇中学": (True, False)}
    assert sm(world.shop_a, MAR).rule == rule
    assert sm(world.village_a.village_subject, MAR).rule == RuleSet.default("village")  # the other group keeps its


def test_presets_are_per_county_in_a_city(world):
    """Two counties under one root: one applies 山西口径, the other keeps the default."""
    other = region_create(actor=None, code="990122000000", name="邻县", level=RegionLevel.COUNTY, parent=None)
    town = region_create(actor=None, code="990122100000", name="邻镇", level=RegionLevel.TOWNSHIP, parent=other)
    shop = Subject.objects.create(name="邻镇商店", category=Category.objects.get(name="企业"), region=town)
    for subject in (world.shop_a, shop):
        PoliceCase.objects.create(subject=subject, occurred_on=datetime.date(2026, 3, 3), kind="治安")
    services.ruleset_update(
        actor=world.users["admin"], group="unit", region=world.county, data={}, preset="shanxi", reason="山西口径"
    )
    months(world, MAR)
    months(world, MAR, region=other)
    assert sm(world.shop_a, MAR).case_ok is False and sm(shop, MAR).case_ok is True
    assert sm(shop, MAR).rule == RuleSet.default("unit")
    with pytest.raises(PermissionDenied, match="管辖范围"):
        services.ruleset_update(
            actor=world.users["county"], group="unit", region=other, data={}, preset="shanxi", reason="x"
        )
    with pytest.raises(ServiceError, match="县（市、区）及以上"):
        services.ruleset_update(
            actor=world.users["county"], group="unit", region=world.town_a, data={}, preset="shanxi", reason="x"
        )


def test_serious_injury_basis_counts_deaths_and_serious_injuries(world):
    services.ruleset_update(
        actor=world.users["county"],
        group="unit",
        region=world.county,
        data={"accident_basis": "serious"},
        reason="按重伤以上",
    )
    Accident.objects.create(subject=world.shop_a, occurred_on=datetime.date(2026, 3, 4), kind="燃气", injuries=2)
    Accident.objects.create(
        subject=world.shop_b, occurred_on=datetime.date(2026, 3, 4), kind="燃气", injuries=2, serious_injuries=1
    )
    months(world, MAR)
    assert (sm(world.shop_a, MAR).accident_ok, sm(world.shop_b, MAR).accident_ok) == (True, False)
    assert RuleSet.current("unit", world.county).preset == "custom"


def test_rules_page_applies_a_preset_for_the_county(world, client_as):
    page = client_as("county").get("/dashboard/rules/").content.decode()
    assert "山西口径" in page and "现行默认口径" in page and "沿用系统默认" in page
    form = {"group": "village", "preset": "shanxi", "preset_reason": "省平安办通知"}
    response = client_as("county").post("/dashboard/rules/", form, follow=True)
    assert "测试县村(社区)规则已更新为第2版（山西口径）" in response.content.decode()
    rule = RuleSet.current("village", world.county)
    assert (rule.preset, rule.version, rule.created_by, rule.reason) == (
        "shanxi",
        2,
        world.users["county"],
        "省平安办通知",
    )
    refused = client_as("county").post("/dashboard/rules/", {**form, "preset": "default", "preset_reason": ""})
    assert refused.status_code == 200 and "调整规则必须填写原因" in refused.content.decode()
    assert RuleSet.current("village", world.county).version == 2  # a reason is required; nothing changed
    assert client_as("county").post("/dashboard/rules/", {**form, "preset": "bogus"}).status_code == 404
    for role in ("clerk_a", "dept_edu", "grid_a"):
        assert client_as(role).post("/dashboard/rules/", form).status_code == 403
    clerk_page = client_as("clerk_a").get("/dashboard/rules/").content.decode()
    assert "山西口径" in clerk_page and 'name="preset"' not in clerk_page  # read-only: the county's rules
    check_role_matrix(
        client_as,
        "/dashboard/rules/",
        {"anonymous": 302, "admin": 200, "county": 200, "clerk_a": 200, "grid_a": 200, "dept_edu": 200},
    )


def test_accident_kinds_and_serious_injuries_import(world):
    from sanzero.importing.engine import import_file
    from sanzero.tests.helpers import xlsx

    rows = [
        ["所属区划代码", "主体名称", "发生日期", "事故类型", "死亡人数", "受伤人数", "重伤人数"],
        ["990121100200", "甲一村超市", "2026-03-01", "自建房", 0, 12, 10],
        ["990121100200", "甲一村超市", "2026-03-02", "烟花爆竹", 0, 1, 2],
    ]
    result = import_file(actor=world.users["clerk_a"], kind="accidents", file=xlsx(rows), dry_run=True)
    assert [str(e) for e in result.row_errors] == ["第3行 重伤人数: 重伤人数不能多于受伤人数（受伤人数含重伤）。"]
    result = import_file(actor=world.users["clerk_a"], kind="accidents", file=xlsx(rows[:2]), dry_run=False)
    assert result.ok, result.errors
    accident = Accident.objects.get()
    assert (accident.kind, accident.serious_injuries, accident.grade) == ("自建房", 10, "较大")


# --- 5. a department sees its own subjects' rates -------------------------------------------------


@pytest.fixture
def schools(world):
    """乙镇中学 (教育局) has an accident in March; the other school passes; 乙一村商店 fails too."""
    Accident.objects.create(subject=world.school_b, occurred_on=datetime.date(2026, 3, 4), kind="其他", injuries=1)
    Accident.objects.create(subject=world.shop_b, occurred_on=datetime.date(2026, 3, 4), kind="其他", injuries=1)
    Target.objects.create(year=2026, region=world.county, group="unit", rate=Decimal("0.6"))
    months(world, MAR)
    return world


def test_department_figures_count_only_the_subjects_it_supervises(schools):
    world = schools
    edu = Department.objects.get(name="教育局")
    rows = DepartmentMonth.objects.filter(department=edu, month=MAR, region=world.county, period="ytd")
    by_group = {r.group: (r.total, r.passed) for r in rows}
    assert by_group == {"all": (2, 1), "unit": (2, 1), "village": (0, 0)}
    assert county_row(world, MAR, group="all").total == 7  # RegionMonth is unchanged: every subject
    town_b = DepartmentMonth.objects.get(department=edu, month=MAR, region=world.town_b, period="ytd", group="all")
    assert (town_b.total, town_b.passed) == (1, 0)
    assert not DepartmentMonth.objects.filter(department=edu, region=world.village_b).exists()  # no school there


def test_the_department_dashboard_ranking_and_drill_down_agree(schools, client_as):
    client = client_as("dept_edu")
    overview = client.get("/dashboard/?month=2026-03").content.decode()
    assert "教育局主管的主体" in overview
    assert "50.0%" in overview and "（1 / 2）" in overview  # 本月 1 of the 2 schools
    failing = client.get("/dashboard/subjects/?month=2026-03&period=ytd").context
    assert [r.subject.name for r in failing["page"]] == ["乙镇中学"]
    passing = client.get("/dashboard/subjects/?month=2026-03&period=ytd&outcome=passed").context["page"]
    assert [r.subject.name for r in passing] == ["甲镇中心学校"]
    ranking = client.get("/dashboard/ranking/?month=2026-03").context["entries"]
    assert [(e["region"].name, e["all"].total, e["all"].passed) for e in ranking] == [("甲镇", 1, 1), ("乙镇", 1, 0)]
    county = client_as("county").get("/dashboard/ranking/?month=2026-03").context["entries"]
    assert sorted((e["region"].name, e["all"].total) for e in county) == [("乙镇", 3), ("甲镇", 4)]


def test_the_department_report_counts_its_subjects(schools, client_as, tmp_path):
    world = schools
    response = client_as("dept_edu").get(f"/reports/?region={world.county.code}&month=2026-03&download=1")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["达标数据"]
    rows = {(r[0], r[3]): r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[(world.county.code, "全部")][4:7] == (2, 1, 0.5)
    summary = openpyxl.load_workbook(io.BytesIO(response.content))["汇总表"]
    assert summary["A1"].value == "测试县教育局主管主体2026年3月“三零”创建达标情况汇总表"
    assert "%E6%95%99%E8%82%B2%E5%B1%80" in response["Content-Disposition"]  # 教育局 in the file name

    target = tmp_path / "edu.xlsx"
    call_command(
        "export_report", "--month", "2026-03", "--department", "教育局", "--output", str(target), stdout=io.StringIO()
    )
    ws = openpyxl.load_workbook(target)["达标数据"]
    assert next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[3] == "全部")[4:6] == (2, 1)
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="主管部门“不存在局”不存在"):
        call_command(
            "export_report", "--month", "2026-03", "--department", "不存在局", "--output", str(tmp_path / "x.xlsx")
        )


# --- 8. rates compare honestly --------------------------------------------------------------------


@pytest.mark.parametrize(
    "num,den,shown",
    [
        (9999, 10000, "99.9%"),
        (19999, 20000, "99.9%"),
        (10000, 10000, "100.0%"),
        (1, 10000, "0.1%"),
        (0, 5, "0.0%"),
        (2, 3, "66.7%"),
        (1, 8, "12.5%"),
        (7999, 10000, "80.0%"),
    ],
)
def test_a_rate_never_shows_100_while_a_subject_fails(num, den, shown):
    assert percent_text(Rate(num, den)) == shown


def test_a_rate_exactly_at_its_target_meets_it_and_one_just_below_does_not():
    assert Rate(4, 5).meets(Decimal("0.8")) is True and Rate(4, 5).gap_to(Decimal("0.8")) == 0
    assert Rate(7999, 10000).meets(Decimal("0.8")) is False  # shown 80.0%, but below 80%
    assert Rate(7999, 10000).gap_to(Decimal("0.8")) < 0
    assert Rate(39999, 50000).meets(Decimal("0.8")) is False  # rounds to 0.8000 at 4 places
    assert Rate(2, 3).meets(Decimal("0.6667")) is False and Rate(2, 3).meets(Decimal("0.6666")) is True
    assert Rate(9999, 10000).shown_fraction() == Decimal("0.999")
    assert Rate(2, 3).shown_fraction() == Decimal("0.6667")


@pytest.mark.parametrize(
    "num,den,target,shown,gap",
    [
        (8025, 10000, "0.8", "80.3%", "+0.3"),  # the gap rounds as the rate does: 80.3 − 80.0
        (7999, 10000, "0.8", "80.0%", "−0.0"),  # just short: the sign says so
        (4, 5, "0.8", "80.0%", "±0.0"),
        (2, 3, "0.9", "66.7%", "−23.3"),
    ],
)
def test_the_gap_beside_a_rate_reads_as_the_two_percentages_shown(num, den, target, shown, gap):
    rate = Rate(num, den)
    assert (percent_text(rate), points_text(rate.gap_to(Decimal(target)))) == (shown, gap)


def test_dashboard_ranking_and_report_compare_exactly(world, client_as):
    """甲镇 has 4 subjects, 3 pass: exactly 75%. Target 75% is met; 75.01% is not, shown with its gap sign."""
    Accident.objects.create(subject=world.shop_a, occurred_on=datetime.date(2026, 3, 4), kind="其他", injuries=1)
    Target.objects.create(year=2026, region=world.town_a, group="unit", rate=Decimal("0.5"))
    Target.objects.create(year=2026, region=world.town_b, group="unit", rate=Decimal("0.5001"))
    months(world, MAR)
    town_a = RegionMonth.objects.get(region=world.town_a, month=MAR, group="unit", period="ytd")
    assert (town_a.passed, town_a.total, town_a.meets_target, town_a.gap) == (1, 2, True, 0)
    town_b = RegionMonth.objects.get(region=world.town_b, month=MAR, group="unit", period="ytd")
    assert (town_b.passed, town_b.total, town_b.meets_target) == (2, 2, True)
    entries = {
        e["region"].name: e for e in client_as("county").get("/dashboard/ranking/?month=2026-03").context["entries"]
    }
    assert entries["甲镇"]["below"] is False
    Target.objects.filter(region=world.town_a).update(rate=Decimal("0.5001"))
    months(world, MAR)
    entries = {
        e["region"].name: e for e in client_as("county").get("/dashboard/ranking/?month=2026-03").context["entries"]
    }
    assert entries["甲镇"]["below"] is True  # 50.0% shown, 50.01% wanted: below, honestly
    buffer = io.BytesIO()
    build_report(user_or_none=None, region=world.town_a, month=MAR, stream_or_path=buffer)
    buffer.seek(0)
    ws = openpyxl.load_workbook(buffer)["达标数据"]
    row = next(
        r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == world.town_a.code and r[3] == "单位(企业)"
    )
    assert row[6] == 0.5 and row[13] == pytest.approx(0.5001) and row[14] == pytest.approx(-0.0001)


def test_the_dashboard_shows_99_9_not_100_when_one_of_many_fails(world, client_as):
    enterprise = Category.objects.get(name="企业")
    Subject.objects.bulk_create(
        [Subject(name=f"企业{i}", category=enterprise, region=world.town_b) for i in range(2000)]
    )
    Accident.objects.create(subject=world.shop_b, occurred_on=datetime.date(2026, 3, 4), kind="其他", injuries=1)
    months(world, MAR)
    row = RegionMonth.objects.get(region=world.town_b, month=MAR, group="unit", period="month")
    assert (row.total, row.passed) == (2002, 2001)
    page = client_as("county").get(f"/dashboard/?region={world.town_b.code}&month=2026-03").content.decode()
    assert "99.9%" in page and "100.0%" not in page.split("年度目标")[0]
    # the ranking's Excel cell reads 99.9% too (0.999 under "0.0%", not 0.9995)
    response = client_as("county").get("/dashboard/ranking/?month=2026-03&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[2] == "乙镇")
    assert (row[3], row[4], row[5]) == (2003, 2002, 0.999)
    assert Region.objects.filter(code=world.town_b.code).exists()
