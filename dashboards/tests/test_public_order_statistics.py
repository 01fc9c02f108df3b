"""台账数据's 治安问题排查数/解决数/解决率 in the monthly snapshot (dashboards.statistics.public_order):
本月 and 年度累计, per region up the tree and per supervising department, on the overview and the report."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from dashboards import compute
from dashboards.models import DepartmentMonth, RegionMonth
from publicorder.models import PublicOrderProblem

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def computed(world):
    for subject, found, extra in (
        (world.shop_a, D(2026, 1, 15), {"status": "已解决", "resolved_on": D(2026, 2, 1), "result": "x"}),
        (world.shop_a, D(2026, 3, 3), {"status": "已解决", "resolved_on": D(2026, 3, 20), "result": "x"}),
        (world.shop_a, D(2026, 3, 9), {"status": "已解决", "resolved_on": D(2026, 4, 2), "result": "x"}),  # after March
        (
            world.school_a,
            D(2026, 3, 4),
            {"status": "已移交", "transferred_on": D(2026, 3, 5), "transferred_to": "派出所"},
        ),
        (world.shop_b, D(2026, 2, 20), {}),
        (world.shop_b, D(2025, 12, 20), {"status": "已解决", "resolved_on": D(2026, 1, 4), "result": "x"}),  # last year
    ):
        PublicOrderProblem.objects.create(subject=subject, found_on=found, category="黄赌毒", description="x", **extra)
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        compute.compute_month(region=world.county, month=D(2026, 3, 1))
    return world


def figures(model=RegionMonth, **where):
    return {
        (row.region_code, row.period): (row.public_order_found, row.public_order_solved)
        for row in model.objects.filter(month=D(2026, 3, 1), group="all", **where)
    }


def test_found_and_solved_per_period_and_region(computed):
    got = figures()
    assert got["990121000000", "month"] == (3, 1)  # 3 found in March, 1 solved by its end
    assert got["990121000000", "ytd"] == (5, 2)
    assert got["990121100000", "ytd"] == (4, 2)  # 甲镇: the April solution does not count for March
    assert got["990121101000", "ytd"] == (1, 0)  # 乙镇: last year's problem is not this year's
    assert got["990121100200", "month"] == (2, 1)  # 甲一村 (the shop's village)


def test_the_rate_is_exact_and_empty_without_problems(computed):
    county = RegionMonth.objects.get(month=D(2026, 3, 1), group="all", period="ytd", region_code="990121000000")
    assert county.public_order_rate == Decimal("0.4")
    village = RegionMonth.objects.get(month=D(2026, 3, 1), group="all", period="ytd", region_code="990121100001")
    assert village.public_order_rate is None


def test_a_department_counts_the_problems_of_its_subjects(computed):
    edu = computed.school_a.department_id
    got = figures(DepartmentMonth, department_id=edu)
    assert got["990121000000", "ytd"] == (1, 0)


def test_the_overview_and_the_month_page_show_them(computed, client_as):
    page = client_as("county").get("/dashboard/?month=2026-03").content.decode()
    assert "治安问题" in page and ">5</a>" in page and "40.0%" in page


def test_a_problem_saved_and_solved_moves_the_statistics_at_once(world, django_capture_on_commit_callbacks):
    """Incremental refresh (dashboards.incremental): a 治安问题 recorded, then solved, moves 台账数据 up to the
    county after commit, as a full recomputation would; a 挂牌督办 rectification moves its hazard's 整改数."""
    from hazards.tests.helpers import listing, step
    from publicorder.tests.helpers import problem, run

    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        compute.compute_month(region=world.county, month=D(2026, 3, 1))
        with django_capture_on_commit_callbacks(execute=True):
            p = problem(world, found_on=D(2026, 3, 2))
        county = RegionMonth.objects.get(month=D(2026, 3, 1), group="all", period="ytd", region_code="990121000000")
        assert (county.public_order_found, county.public_order_solved) == (1, 0)
        with django_capture_on_commit_callbacks(execute=True):
            run(world, p, "resolve", resolved_on=D(2026, 3, 20), result="已取缔")
        county.refresh_from_db()
        assert (county.public_order_found, county.public_order_solved) == (1, 1)

        with django_capture_on_commit_callbacks(execute=True):
            obj = listing(world)
        hazards_before = RegionMonth.objects.get(pk=county.pk).hazards_rectified
        with django_capture_on_commit_callbacks(execute=True):
            step(world, obj, "rectify", "clerk_a", rectified_on=D(2026, 3, 12), report="已整改")
        assert RegionMonth.objects.get(pk=county.pk).hazards_rectified == hazards_before + 1
        incremental = figures()
        compute.compute_month(region=world.county, month=D(2026, 3, 1))
        assert figures() == incremental
