"""The set-based computation (dashboards.compute) writes the rows the previous Python computation wrote.

The previous computation is kept as a test oracle (dashboards/tests/oracle.py). Each step below runs
the oracle in a savepoint that is rolled back, then the set-based computation, and compares every
SubjectMonth, RegionMonth and DepartmentMonth row field by field. The fixture exercises every rule
option (presets, accident bases, petition levels, a township's own rules beside its county's), joined
and left subjects, a subject moved after its month was computed, overrides of both periods chained
over months, departments, targets, and ledger statistics with entries of the year before.

It runs on the database of the run: SQLite in the normal run, PostgreSQL when DATABASE_URL names
one (CI's second run), so the two backends are held to the same rows.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from cases.models import PoliceCase
from dashboards import compute, services
from dashboards.models import DepartmentMonth, Period, RegionMonth, RuleSet, SubjectMonth, Target
from dashboards.tests import oracle
from disputes.models import Dispute, MediationLevel
from hazards.models import Accident, Hazard
from petitions.models import Petition
from publicorder.models import PublicOrderProblem
from units.models import Category, Department, Subject

pytestmark = pytest.mark.django_db
JAN, FEB, MAR = (datetime.date(2026, m, 1) for m in (1, 2, 3))


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        yield


def rows_of(model, key):
    fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
    return sorted(model.objects.values(*fields), key=lambda r: tuple(str(r[k]) for k in key))


def snapshot():
    return {
        "subjects": rows_of(SubjectMonth, ("subject_id", "month")),
        "regions": rows_of(RegionMonth, ("region_code", "month", "group", "period")),
        "departments": rows_of(DepartmentMonth, ("department_id", "region_code", "month", "group", "period")),
    }


def assert_same_as_oracle(region, month):
    now = timezone.now()
    with transaction.atomic():
        oracle.compute_month(region=region, month=month, now=now)
        expected = snapshot()
        transaction.set_rollback(True)
    compute.compute_month(region=region, month=month, now=now)
    got = snapshot()
    for table in expected:
        assert len(got[table]) == len(expected[table]), table
        for mine, theirs in zip(got[table], expected[table], strict=True):
            assert mine == theirs, table
    return got


@pytest.fixture
def busy(world):
    """The fixture county with forty more subjects, a township with its own rules and a year of entries."""
    county_user = world.users["county"]
    enterprise, school, temple = (Category.objects.get(name=n) for n in ("企业", "学校", "宗教场所"))
    departments = list(Department.objects.order_by("pk")[:3])
    regions = [world.town_a, world.village_a, world.village_a2, world.town_b, world.village_b]
    subjects = [world.school_a, world.shop_a, world.school_b, world.shop_b]
    subjects += list(Subject.objects.filter(village_region__isnull=False))  # the villages' own subjects
    for i in range(40):
        subjects.append(
            Subject.objects.create(
                name=f"主体{i:02d}",
                category=(enterprise, school, temple)[i % 3],
                region=regions[i % len(regions)],
                department=departments[i % 3] if i % 4 else None,
                joined_on=datetime.date(2026, 2, 10) if i % 11 == 3 else None,
                left_on=datetime.date(2026, 2, 20) if i % 13 == 5 else None,
            )
        )
    # rules: the county applies 山西口径 to units and a county-level petition rule to villages; 乙镇 has
    # its own stricter rules (a township rule, found before the county's by the longer code prefix)
    services.ruleset_update(
        actor=county_user, group="unit", data={}, reason="省里要求", region=world.county, preset="shanxi"
    )
    services.ruleset_update(
        actor=county_user,
        group="village",
        data={"petition_level_at_or_above": "县", "collective_headcount": 3, "accident_basis": "serious"},
        reason="从严",
        region=world.county,
    )
    for group, values in (
        ("unit", {"petition_any": True, "accident_basis": "any"}),
        ("village", {"case_any_security": True, "petition_repeat": True}),
    ):
        RuleSet.objects.create(region=world.town_b, group=group, version=1, **values)
    Target.objects.create(year=2026, region=world.county, group="unit", rate="0.9000")
    Target.objects.create(year=2026, region=world.town_a, group="village", rate="0.8500")

    level = MediationLevel.objects.order_by("order").first()
    days = [datetime.date(2026, 1, 1) + datetime.timedelta(days=d) for d in range(0, 90, 3)]
    cycle = itertools.cycle(subjects)
    for n, day in enumerate(days):
        s = next(cycle)
        Petition.objects.create(
            subject=s,
            received_on=day,
            channel="来访",
            type="申诉求决",
            headcount=(1, 3, 5, 2)[n % 4],
            level_reached=("乡镇", "县", "市", "省", "国家")[n % 5],
            is_skip_level=n % 7 == 0,
            is_abnormal=n % 9 == 0,
            is_repeat=n % 4 == 1,
            content="诉求",
            status=("办理中", "已办结")[n % 2],
            replied_on=day + datetime.timedelta(days=10) if n % 2 else None,
            closed_on=day + datetime.timedelta(days=20) if n % 2 else None,
            satisfaction="满意" if n % 2 else "",
            handle_due=day + datetime.timedelta(days=30),
            notify_due=day + datetime.timedelta(days=15),
        )
        s = next(cycle)
        Accident.objects.create(
            subject=s,
            occurred_on=day,
            kind="生产安全",
            deaths=1 if n % 6 == 0 else 0,
            injuries=(0, 1, 2)[n % 3],
            serious_injuries=1 if n % 3 == 2 and n % 2 else 0,
        )
        s = next(cycle)
        PoliceCase.objects.create(
            subject=s, occurred_on=day, kind=("刑事", "治安", "治安")[n % 3], major_influence=n % 3 == 1 and n % 2 == 0
        )
        s = next(cycle)
        Dispute.objects.create(
            subject=s,
            found_on=day,
            category="邻里纠纷",
            summary="x",
            level=level,
            level_started_on=day,
            level_days=1,
            status=("调解中", "已化解")[n % 2],
            resolved_on=day + datetime.timedelta(days=12) if n % 2 else None,
            overall_due_on=day + datetime.timedelta(days=9),
        )
        s = next(cycle)
        Hazard.objects.create(
            subject=s,
            found_on=day,
            category="消防",
            level="一般",
            description="x",
            rectify_due=day + datetime.timedelta(days=7),
            status=("整改中", "待验收", "已销号")[n % 3],
            rectified_on=day + datetime.timedelta(days=(5, 10)[n % 2]) if n % 3 else None,
            accepted_on=day + datetime.timedelta(days=12) if n % 3 == 2 else None,
        )
        s = next(cycle)
        status = ("整治中", "已解决", "已移交")[n % 3]
        PublicOrderProblem.objects.create(
            subject=s,
            found_on=day,
            category="黄赌毒",
            description="x",
            status=status,
            resolved_on=day + datetime.timedelta(days=(5, 40)[n % 2]) if status == "已解决" else None,
            transferred_on=day + datetime.timedelta(days=2) if status == "已移交" else None,
            transferred_to="派出所" if status == "已移交" else "",
        )
    # open entries of the year before: overdue at every month's end, counted in no period
    Hazard.objects.create(
        subject=world.shop_b,
        found_on=datetime.date(2025, 11, 3),
        category="消防",
        level="一般",
        description="x",
        rectify_due=datetime.date(2025, 11, 10),
    )
    Dispute.objects.create(
        subject=world.school_a,
        found_on=datetime.date(2025, 12, 20),
        category="邻里纠纷",
        summary="x",
        level=level,
        level_started_on=datetime.date(2025, 12, 20),
        level_days=1,
        overall_due_on=datetime.date(2025, 12, 29),
    )
    return world


def test_every_row_matches_the_python_computation(busy):
    world = busy
    for month in (JAN, FEB, MAR):
        assert_same_as_oracle(world.county, month)
    assert SubjectMonth.objects.filter(month=MAR).exclude(failures={}).exists()
    assert SubjectMonth.objects.filter(month=MAR, rule__region=world.town_b).exists()

    # a subject moves after January was computed: January keeps it where it was
    mover = Subject.objects.get(name="主体00")
    Subject.objects.filter(pk=mover.pk).update(region=world.village_b)
    # overrides: a month's verdict in January, a 年度累计 one in February; both chain into March
    county = world.users["county"]
    jan_failing = SubjectMonth.objects.filter(month=JAN, passed=False).order_by("subject_id").first()
    services.subject_month_override(actor=county, subject_month=jan_failing, passed=True, reason="核实后认定")
    feb_row = SubjectMonth.objects.filter(month=FEB, ytd_passed=False).order_by("-subject_id").first()
    services.subject_month_override(
        actor=county, subject_month=feb_row, passed=True, reason="年度认定", period=Period.YTD
    )
    mar_row = SubjectMonth.objects.filter(month=MAR, passed=True).order_by("subject_id").first()
    services.subject_month_override(actor=county, subject_month=mar_row, passed=False, reason="漏报事故")

    for month in (JAN, FEB, MAR):
        got = assert_same_as_oracle(world.county, month)
    assert SubjectMonth.objects.get(subject=mover, month=JAN).region_id != world.village_b.pk
    assert SubjectMonth.objects.filter(month=MAR, ytd_basis=FEB).exists()
    assert any(r["override_passed"] is not None for r in got["subjects"])
    # a township alone: its subtree and its county's rows
    assert_same_as_oracle(world.town_a, MAR)
    assert_same_as_oracle(world.village_b, FEB)
