"""The three-zero rules at every boundary (DESIGN §5), for 本月 and 年度累计, and the ledger statistics.

Entries are written straight to the ledger tables with the fields the rules read, so each test states
exactly the fact it checks. The world: township A (甲镇: village 甲一村, community 甲城社区, school,
shop) and township B (乙镇: village 乙一村, school, shop).
"""

import datetime
from decimal import Decimal

import pytest
import time_machine

from cases.models import PoliceCase
from dashboards import compute, services
from dashboards.models import OverrideLog, RegionMonth, RuleSet, SubjectMonth, Target
from disputes.models import Dispute, MediationLevel
from hazards.models import Accident, Hazard
from petitions.models import Petition
from units.models import Subject

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
FEB = datetime.date(2026, 2, 1)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        yield


def petition(subject, day, **kw):
    data = {
        "channel": "来访",
        "type": "申诉求决",
        "headcount": 1,
        "level_reached": "乡镇",
        "content": "诉求",
        "handle_due": day + datetime.timedelta(days=60),
        "notify_due": day + datetime.timedelta(days=15),
    }
    data.update(kw)
    return Petition.objects.create(subject=subject, received_on=day, **data)


def accident(subject, day, deaths=0, injuries=0):
    return Accident.objects.create(subject=subject, occurred_on=day, kind="生产安全", deaths=deaths, injuries=injuries)


def case(subject, day, kind="治安", major=False):
    return PoliceCase.objects.create(subject=subject, occurred_on=day, kind=kind, major_influence=major)


def row(subject, month=MARCH) -> SubjectMonth:
    return SubjectMonth.objects.get(subject=subject, month=month)


def region_row(region, group="all", period="month", month=MARCH) -> RegionMonth:
    return RegionMonth.objects.get(region=region, month=month, group=group, period=period)


def run(world, month=MARCH, region=None):
    return compute.compute_month(region=region or world.county, month=month)


def test_collective_petition_boundary_four_and_five_people(world):
    petition(world.shop_a, datetime.date(2026, 3, 5), headcount=4)
    petition(world.school_a, datetime.date(2026, 3, 5), headcount=5)
    run(world)
    assert row(world.shop_a).petition_ok is True
    assert row(world.school_a).petition_ok is False
    assert row(world.school_a).failures["petitions"]


def test_skip_level_and_abnormal_petitions_fail_an_ordinary_one_does_not(world):
    petition(world.shop_a, datetime.date(2026, 3, 2))
    petition(world.school_a, datetime.date(2026, 3, 2), is_skip_level=True, level_reached="市")
    petition(world.shop_b, datetime.date(2026, 3, 31), is_abnormal=True)
    run(world)
    assert row(world.shop_a).petition_ok and row(world.shop_a).passed
    assert not row(world.school_a).petition_ok
    assert not row(world.shop_b).petition_ok and not row(world.shop_b).passed


def test_accident_without_casualty_passes_with_one_injury_fails(world):
    accident(world.shop_a, datetime.date(2026, 3, 10))
    accident(world.school_a, datetime.date(2026, 3, 10), injuries=1)
    accident(world.shop_b, datetime.date(2026, 3, 10), deaths=1)
    run(world)
    assert row(world.shop_a).accident_ok is True
    assert row(world.school_a).accident_ok is False
    assert row(world.shop_b).accident_ok is False


def test_security_case_fails_only_with_major_influence_criminal_always(world):
    case(world.shop_a, datetime.date(2026, 3, 3))
    case(world.school_a, datetime.date(2026, 3, 3), major=True)
    case(world.shop_b, datetime.date(2026, 3, 3), kind="刑事")
    run(world)
    assert row(world.shop_a).case_ok is True
    assert row(world.school_a).case_ok is False
    assert row(world.shop_b).case_ok is False


def test_month_and_year_to_date_differ_for_an_earlier_failure(world):
    accident(world.shop_a, datetime.date(2026, 2, 14), injuries=2)
    run(world, FEB)
    run(world)
    march = row(world.shop_a)
    assert march.passed is True and march.accident_ok is True
    assert march.ytd_passed is False and march.ytd_accident_ok is False
    assert row(world.shop_a, FEB).passed is False
    town = region_row(world.town_a, "unit", "month")
    ytd = region_row(world.town_a, "unit", "ytd")
    assert (town.total, town.passed) == (2, 2)
    assert (ytd.total, ytd.passed, ytd.accident_ok, ytd.petition_ok) == (2, 1, 1, 2)
    assert ytd.rate == Decimal("0.5000")


def test_denominator_follows_joined_and_left_dates(world):
    joins_after = Subject.objects.create(
        name="四月加入", category=world.shop_a.category, region=world.village_a, joined_on=datetime.date(2026, 4, 1)
    )
    left_before_end = Subject.objects.create(
        name="三月退出", category=world.shop_a.category, region=world.village_a, left_on=datetime.date(2026, 3, 31)
    )
    left_after = Subject.objects.create(
        name="四月退出",
        category=world.shop_a.category,
        region=world.village_a,
        joined_on=datetime.date(2026, 3, 31),
        left_on=datetime.date(2026, 4, 1),
    )
    run(world)
    counted = set(SubjectMonth.objects.filter(month=MARCH).values_list("subject_id", flat=True))
    assert joins_after.pk not in counted
    assert left_before_end.pk not in counted  # left on the month's last day: not in it at its end
    assert left_after.pk in counted
    assert region_row(world.village_a, "unit").total == 2  # the shop and 四月退出


def test_a_moved_subject_keeps_its_old_region_in_old_months(world):
    run(world, FEB)
    Subject.objects.filter(pk=world.shop_a.pk).update(region=world.village_b)
    run(world, FEB)  # recomputing February keeps the frozen region
    run(world)
    assert row(world.shop_a, FEB).region == world.village_a
    assert row(world.shop_a).region == world.village_b
    assert region_row(world.town_a, "unit", month=FEB).total == 2
    assert region_row(world.town_a, "unit").total == 1
    assert region_row(world.town_b, "unit").total == 3


def test_override_changes_the_rate_and_is_audited(world):
    accident(world.shop_a, datetime.date(2026, 3, 10), injuries=1)
    run(world)
    assert region_row(world.town_a, "unit").passed == 1
    services.subject_month_override(
        actor=world.users["county"],
        subject_month=row(world.shop_a),
        passed=True,
        reason="事故系第三方车辆所致，经县应急局认定不计入",
    )
    sm = row(world.shop_a)
    assert sm.passed is True and sm.computed_passed is False and sm.override_by == world.users["county"]
    assert region_row(world.town_a, "unit").passed == 2
    assert region_row(world.county, "unit").passed == 4
    log = OverrideLog.objects.get()
    assert log.by == world.users["county"] and "第三方" in log.reason
    run(world)  # a recomputation keeps the override
    assert row(world.shop_a).passed is True
    with pytest.raises(Exception, match="只有县平安办"):
        services.subject_month_override(
            actor=world.users["clerk_a"], subject_month=row(world.shop_a), passed=False, reason="x"
        )
    with pytest.raises(Exception, match="理由"):
        services.subject_month_override(
            actor=world.users["county"], subject_month=row(world.shop_a), passed=False, reason=" "
        )


def test_tightened_rule_fails_any_security_case_and_records_its_version(world):
    case(world.shop_a, datetime.date(2026, 3, 3))
    rule = services.ruleset_update(
        actor=world.users["county"],
        group="unit",
        region=world.county,
        data={"case_any_security": True},
        reason="县委要求从严",
    )
    assert rule.version == 2 and rule.region == world.county and rule.preset == "custom"
    run(world)
    assert row(world.shop_a).case_ok is False and row(world.shop_a).rule == rule
    assert (
        row(world.village_a.village_subject).rule
        == RuleSet.current("village", world.county)
        == RuleSet.default("village")
    )


def test_rates_of_an_empty_denominator_are_empty_not_zero(world):
    run(world)
    community = region_row(world.village_a2, "unit")
    assert community.total == 0 and community.rate is None


def test_targets_fall_back_to_the_county(world):
    Target.objects.create(year=2026, region=world.county, group="village", rate=Decimal("0.9"))
    Target.objects.create(year=2026, region=world.town_b, group="village", rate=Decimal("0.95"))
    run(world)
    assert region_row(world.town_a, "village", "ytd").target == Decimal("0.9")
    assert region_row(world.town_b, "village", "ytd").target == Decimal("0.95")


def test_computing_twice_leaves_identical_rows(world):
    petition(world.shop_a, datetime.date(2026, 3, 5), headcount=7)
    accident(world.school_b, datetime.date(2026, 1, 5), injuries=1)
    run(world)
    fields = [
        "subject_id",
        "region_id",
        "group",
        "petition_ok",
        "accident_ok",
        "case_ok",
        "passed",
        "ytd_passed",
        "failures",
        "ytd_failures",
        "rule_id",
    ]
    first = list(SubjectMonth.objects.order_by("subject_id").values(*fields))
    region_fields = [
        "region_id",
        "group",
        "period",
        "total",
        "passed",
        "petition_ok",
        "accident_ok",
        "case_ok",
        "target",
        "petitions_count",
        "overdue_open",
    ]
    first_regions = list(RegionMonth.objects.order_by("region_id", "group", "period").values(*region_fields))
    run(world)
    assert list(SubjectMonth.objects.order_by("subject_id").values(*fields)) == first
    assert list(RegionMonth.objects.order_by("region_id", "group", "period").values(*region_fields)) == first_regions


def test_a_computation_killed_midway_leaves_the_previous_snapshot(world):
    run(world)
    before = list(SubjectMonth.objects.order_by("subject_id").values_list("subject_id", "passed"))
    accident(world.shop_a, datetime.date(2026, 3, 10), injuries=1)

    def killed(pct):
        if pct >= 70:
            raise KeyboardInterrupt("worker killed")

    with pytest.raises(KeyboardInterrupt):
        compute.compute_month(region=world.county, month=MARCH, progress=killed)
    assert list(SubjectMonth.objects.order_by("subject_id").values_list("subject_id", "passed")) == before


def test_a_locked_month_is_never_recomputed(world):
    run(world)
    services.month_lock(actor=world.users["county"], region=world.county, month=MARCH, confirm_unsubmitted=True)
    with pytest.raises(compute.MonthLocked):
        compute.compute_month(region=world.town_a, month=MARCH)
    with pytest.raises(Exception, match="已锁定"):
        services.snapshot_request(actor=world.users["county"], region=world.county, month=MARCH)
    with pytest.raises(Exception, match="理由"):
        services.month_unlock(actor=world.users["county"], region=world.county, month=MARCH, reason="")
    services.month_unlock(actor=world.users["county"], region=world.county, month=MARCH, reason="补录三月事故")
    run(world)


def test_ledger_statistics_for_month_and_year_to_date(world):
    level = MediationLevel.objects.order_by("order").first()

    def dispute(day, status="调解中", resolved=None, due=None):
        return Dispute.objects.create(
            subject=world.shop_a,
            found_on=day,
            category="邻里纠纷",
            summary="x",
            level=level,
            level_started_on=day,
            level_days=1,
            status=status,
            resolved_on=resolved,
            overall_due_on=due or day + datetime.timedelta(days=9),
        )

    dispute(datetime.date(2026, 3, 2), "已化解", datetime.date(2026, 3, 6))
    dispute(datetime.date(2026, 3, 20), "已化解", datetime.date(2026, 4, 2))  # resolved after March: not in March
    dispute(datetime.date(2026, 1, 10), "已化解", datetime.date(2026, 1, 12))
    dispute(datetime.date(2026, 3, 5))  # still mediating, overall deadline 03-14 < 03-31: overdue
    Hazard.objects.create(
        subject=world.shop_a,
        found_on=datetime.date(2026, 3, 3),
        category="消防",
        level="一般",
        description="x",
        rectify_due=datetime.date(2026, 3, 10),
        status="已销号",
        rectified_on=datetime.date(2026, 3, 9),
        accepted_on=datetime.date(2026, 3, 10),
    )
    Hazard.objects.create(
        subject=world.shop_a,
        found_on=datetime.date(2026, 3, 25),
        category="消防",
        level="一般",
        description="x",
        rectify_due=datetime.date(2026, 4, 1),
        status="整改中",
    )
    Hazard.objects.create(
        subject=world.shop_a,
        found_on=datetime.date(2026, 2, 1),
        category="消防",
        level="一般",
        description="x",
        rectify_due=datetime.date(2026, 2, 8),
        status="整改中",
    )  # overdue
    petition(
        world.shop_a,
        datetime.date(2026, 3, 1),
        status="已办结",
        replied_on=datetime.date(2026, 3, 10),
        closed_on=datetime.date(2026, 3, 20),
        satisfaction="满意",
    )
    petition(world.shop_a, datetime.date(2026, 1, 2))  # handle_due 03-03 < 03-31, open: overdue
    run(world)
    month, ytd = region_row(world.town_a), region_row(world.town_a, period="ytd")
    assert (month.disputes_found, month.disputes_resolved) == (3, 1)
    assert (ytd.disputes_found, ytd.disputes_resolved) == (4, 2)
    assert (month.hazards_found, month.hazards_rectified) == (2, 1)
    assert (ytd.hazards_found, ytd.hazards_rectified) == (3, 1)
    assert (month.petitions_count, month.petitions_closed) == (1, 1)
    assert (ytd.petitions_count, ytd.petitions_closed) == (2, 1)
    assert month.overdue_open == ytd.overdue_open == 4  # disputes 03-20 (due 03-29) and 03-05, hazard, petition
    assert month.dispute_rate == Decimal("0.3333")
    assert region_row(world.county, period="ytd").petitions_count == 2
