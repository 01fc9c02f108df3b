"""The reads behind the overview chart, the ranking and a subject's month (dashboards.selectors)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from dashboards import compute, selectors
from dashboards.models import RegionMonth, SubjectMonth
from hazards.models import Accident
from units.models import RegionLevel
from units.services import region_create

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def figures(region, *, month=MARCH, group="all", period="ytd", total=0, passed=0, target=None, **kw):
    return RegionMonth.objects.create(
        region=region,
        region_code=region.code,
        month=month,
        group=group,
        period=period,
        total=total,
        passed=passed,
        target=target,
        computed_at=timezone.now(),
        **kw,
    )


@pytest.fixture
def townships(world):
    """甲镇 1/2 and 乙镇 1/2 (a tie), 丙镇 without subjects (no rate), 丁镇 2/2; 戊镇 has no 全部 row."""
    town_c = region_create(
        actor=None, code="990121102000", name="丙镇", level=RegionLevel.TOWNSHIP, parent=world.county
    )
    town_d = region_create(
        actor=None, code="990121103000", name="丁镇", level=RegionLevel.TOWNSHIP, parent=world.county
    )
    town_e = region_create(
        actor=None, code="990121104000", name="戊镇", level=RegionLevel.TOWNSHIP, parent=world.county
    )
    figures(world.town_a, total=2, passed=1, overdue_open=3)
    figures(world.town_a, group="village", total=1, passed=0, target=Decimal("0.9"))
    figures(world.town_a, group="unit", total=1, passed=1, target=Decimal("0.8"))
    figures(world.town_b, total=2, passed=1, overdue_open=1)
    figures(world.town_b, group="village", total=2, passed=1, target=Decimal("0.5"))
    figures(town_c)
    figures(town_d, total=2, passed=2)
    figures(town_d, group="unit", total=2, passed=2, target=Decimal("0.8"))
    figures(town_e, group="unit", total=1, passed=1)
    figures(world.town_a, period="month", total=2, passed=2)  # another period: not ranked
    return world


def ranked(world, sort):
    entries = selectors.ranking_entries(user=world.users["county"], region=world.county, month=MARCH, sort=sort)
    return [(e["region"].name, e["rank"]) for e in entries]


def test_ranking_by_rate_keeps_ties_in_code_order_and_puts_an_empty_rate_last(townships):
    assert ranked(townships, "-rate") == [("丁镇", 1), ("甲镇", 2), ("乙镇", 3), ("丙镇", 4)]
    assert ranked(townships, "rate") == [("甲镇", 2), ("乙镇", 3), ("丁镇", 1), ("丙镇", 4)]
    assert ranked(townships, "bogus") == ranked(townships, "rate")  # an unknown key sorts by rate


def test_ranking_by_a_group_puts_the_townships_without_it_last_and_keeps_the_rank_by_rate(townships):
    assert ranked(townships, "-unit") == [("甲镇", 2), ("丁镇", 1), ("乙镇", 3), ("丙镇", 4)]
    assert ranked(townships, "-overdue") == [("甲镇", 2), ("乙镇", 3), ("丙镇", 4), ("丁镇", 1)]  # 0 is a value


def test_ranking_marks_a_township_below_a_group_target(townships):
    entries = selectors.ranking_entries(user=townships.users["county"], region=townships.county, month=MARCH)
    assert {e["region"].name: e["below"] for e in entries} == {
        "甲镇": True,
        "乙镇": False,
        "丙镇": False,
        "丁镇": False,
    }


def test_ranking_rows_are_scoped_to_the_user(townships):
    entries = selectors.ranking_entries(user=townships.users["clerk_a"], region=townships.county, month=MARCH)
    assert [e["region"].name for e in entries] == ["甲镇"]


def test_chart_series_has_none_for_months_not_computed_and_for_no_subjects(world):
    county = world.county
    figures(county, month=datetime.date(2026, 1, 1), total=4, passed=2, petition_ok=4, accident_ok=3, case_ok=2)
    figures(county, month=datetime.date(2026, 1, 1), group="unit", total=2, passed=1, target=Decimal("0.8"))
    figures(county, month=datetime.date(2026, 1, 1), period="month", total=4, passed=3)
    figures(county, month=MARCH, total=4, passed=3, petition_ok=4, accident_ok=3, case_ok=3)
    figures(
        county,
        month=MARCH,
        group="unit",
        total=2,
        passed=2,
        petition_ok=2,
        accident_ok=1,
        case_ok=2,
        target=Decimal("0.8"),
    )
    figures(county, month=MARCH, group="village")  # no village subjects: no rate
    figures(county, month=datetime.date(2025, 12, 1), total=4, passed=4)  # another year
    chart = selectors.chart_series(user=world.users["county"], region=county, month=MARCH)
    lines = {s["name"]: s for s in chart["series"]}
    assert chart["months"][0] == "1月" and len(chart["months"]) == 12
    assert list(lines) == [
        "全部（年度累计）",
        "村(社区)（年度累计）",
        "单位(企业)（年度累计）",
        "村(社区)（本月）",
        "单位(企业)（本月）",
    ]
    assert lines["全部（年度累计）"]["data"] == [50.0, None, 75.0] + [None] * 9
    assert lines["单位(企业)（年度累计）"]["data"] == [50.0, None, 100.0] + [None] * 9
    assert lines["村(社区)（年度累计）"]["data"] == [None] * 12
    assert lines["单位(企业)（本月）"]["dashed"] and lines["单位(企业)（本月）"]["data"] == [None] * 12
    assert chart["targets"] == {"单位(企业)": 80.0}
    assert chart["zeros"] == {
        "groups": ["全部", "村(社区)", "单位(企业)"],
        "petition": [100.0, None, 100.0],
        "accident": [75.0, None, 50.0],
        "case": [75.0, None, 100.0],
    }


def test_chart_series_of_a_year_without_snapshots_is_empty_lines(world):
    chart = selectors.chart_series(user=world.users["county"], region=world.county, month=MARCH)
    assert all(s["data"] == [None] * 12 for s in chart["series"])
    assert chart["targets"] == {} and chart["zeros"]["petition"] == [None, None, None]


def test_failing_entries_list_this_months_entries_once_and_the_earlier_ones_under_the_year(world):
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        february = Accident.objects.create(
            subject=world.shop_a, occurred_on=datetime.date(2026, 2, 14), kind="火灾", injuries=1
        )
        march = Accident.objects.create(
            subject=world.shop_a, occurred_on=datetime.date(2026, 3, 10), kind="火灾", injuries=1
        )
        for month in (datetime.date(2026, 2, 1), MARCH):
            compute.compute_month(region=world.county, month=month)
    row = SubjectMonth.objects.get(subject=world.shop_a, month=MARCH)
    assert selectors.failing_entries(row) == {"month": [("accidents", march)], "ytd": [("accidents", february)]}
    passing = SubjectMonth.objects.get(subject=world.school_a, month=MARCH)
    assert selectors.failing_entries(passing) == {}
