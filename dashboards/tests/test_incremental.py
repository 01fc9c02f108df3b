"""Incremental snapshots (issue 11 point 4): saving an entry of a zero's ledger recomputes, after
commit, only that subject's months, and the counts of its regions move with it; a full recomputation
gives the same verdicts and counts; a locked month is left alone and listed among its later changes.

The world: 测试县 with 甲镇 (甲镇中心学校, 甲一村超市 …) and 乙镇 (units.testing.build_world).
"""

from __future__ import annotations

import datetime

import pytest
import time_machine

from dashboards import compute, incremental, selectors, services
from dashboards.models import ALL_GROUPS, Period, RegionMonth, SubjectMonth
from hazards.models import Accident
from hazards.services import accident_create, accident_update
from units.services import subject_update

pytestmark = pytest.mark.django_db
JAN, FEB, MAR = (datetime.date(2026, m, 1) for m in range(1, 4))
VERDICTS = ("passed", "petition_ok", "accident_ok", "case_ok", "ytd_passed", "ytd_accident_ok", "ytd_basis")
COUNTS = ("total", "passed", "petition_ok", "accident_ok", "case_ok")


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        yield


@pytest.fixture
def computed(world):
    for month in (JAN, FEB, MAR):
        compute.compute_month(region=world.county, month=month)
    return world


def snapshot():
    subjects = {(r["subject_id"], r["month"]): r for r in SubjectMonth.objects.values("subject_id", "month", *VERDICTS)}
    regions = {
        (r["region_code"], r["month"], r["group"], r["period"]): r
        for r in RegionMonth.objects.values("region_code", "month", "group", "period", *COUNTS)
    }
    return subjects, regions


def county_ytd(world, month):
    return RegionMonth.objects.get(region=world.county, month=month, group=ALL_GROUPS, period=Period.YTD)


def clerk_of(world, subject):
    return world.users["clerk_a" if subject.region.code.startswith(world.town_a.prefix) else "clerk_b"]


def fire(world, day, subject=None):
    subject = subject or world.shop_a
    return accident_create(
        actor=clerk_of(world, subject),
        data={"subject": subject, "occurred_on": day, "kind": "火灾", "injuries": 1},
    )


def test_an_accident_saved_moves_the_subject_and_its_regions_after_commit(computed, django_capture_on_commit_callbacks):
    world = computed
    before = county_ytd(world, MAR).passed
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        fire(world, datetime.date(2026, 2, 14))
    assert len(callbacks) == 1  # one task for the transaction
    assert SubjectMonth.objects.get(subject=world.shop_a, month=JAN).passed is True
    for month in (FEB, MAR):
        row = SubjectMonth.objects.get(subject=world.shop_a, month=month)
        assert row.ytd_passed is False and row.ytd_accident_ok is False
    assert SubjectMonth.objects.get(subject=world.shop_a, month=FEB).passed is False
    assert SubjectMonth.objects.get(subject=world.shop_a, month=MAR).passed is True
    assert county_ytd(world, MAR).passed == before - 1
    town = RegionMonth.objects.get(region=world.town_a, month=FEB, group="unit", period=Period.MONTH)
    assert town.accident_ok == town.total - 1


def test_the_incremental_rows_equal_a_full_recomputation(computed, django_capture_on_commit_callbacks):
    world = computed
    with django_capture_on_commit_callbacks(execute=True):
        accident = fire(world, datetime.date(2026, 1, 20))
        fire(world, datetime.date(2026, 3, 2), subject=world.school_b)
    with django_capture_on_commit_callbacks(execute=True):
        # moved to February, to another subject: both subjects' months move
        accident_update(
            actor=world.users["clerk_a"],
            obj=Accident.objects.get(pk=accident.pk),
            data={"occurred_on": datetime.date(2026, 2, 3), "subject": world.school_a},
            expected_version=accident.version,
        )
    incremental_rows = snapshot()
    for month in (JAN, FEB, MAR):
        compute.compute_month(region=world.county, month=month)
    assert snapshot() == incremental_rows
    assert SubjectMonth.objects.get(subject=world.shop_a, month=MAR).ytd_passed is True
    assert SubjectMonth.objects.get(subject=world.school_a, month=FEB).passed is False


def test_a_locked_month_is_left_alone_and_listed_as_a_later_change(computed, django_capture_on_commit_callbacks):
    world = computed
    services.month_lock(actor=world.users["county"], region=world.county, month=FEB, confirm_unsubmitted=True)
    before = county_ytd(world, FEB).passed
    with (
        time_machine.travel(datetime.datetime(2026, 4, 10, 11, 0), tick=False),  # later that morning
        django_capture_on_commit_callbacks(execute=True),
    ):
        fire(world, datetime.date(2026, 2, 14))
    assert county_ytd(world, FEB).passed == before
    assert SubjectMonth.objects.get(subject=world.shop_a, month=FEB).passed is True
    assert SubjectMonth.objects.get(subject=world.shop_a, month=MAR).ytd_passed is False  # March is open
    _, changes = selectors.late_changes(user=world.users["county"], region=world.county, month=FEB)
    assert len(changes) == 1


def test_a_later_joining_date_drops_the_entries_before_it(computed, django_capture_on_commit_callbacks):
    world = computed
    with django_capture_on_commit_callbacks(execute=True):
        fire(world, datetime.date(2026, 1, 5))
    assert SubjectMonth.objects.get(subject=world.shop_a, month=MAR).ytd_passed is False
    shop = world.shop_a
    shop.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        subject_update(
            actor=world.users["clerk_a"],
            subject=shop,
            data={"joined_on": datetime.date(2026, 1, 10)},
            expected_version=shop.version,
        )
    assert SubjectMonth.objects.get(subject=world.shop_a, month=MAR).ytd_passed is True


def test_a_rolled_back_save_sends_nothing_and_the_next_one_is_sent(computed, django_capture_on_commit_callbacks):
    from django.db import transaction

    world = computed
    sent = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        try:
            with transaction.atomic():
                fire(world, datetime.date(2026, 2, 14))
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        fire(world, datetime.date(2026, 3, 1), subject=world.shop_b)
    for callback in callbacks:
        sent.append(callback.__self__.months)
    assert sent == [{(world.shop_b.pk, 2026): MAR}]


def test_entries_of_other_ledgers_send_nothing(computed, django_capture_on_commit_callbacks):
    from places.models import KeyPlace  # 重点场所: no snapshot figure reads it

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        incremental.collect(KeyPlace, changes=[(computed.shop_a.pk, datetime.date(2026, 2, 1))])
    assert callbacks == []


STATS = ("disputes_found", "disputes_resolved", "hazards_found", "hazards_rectified", "petitions_count")
STATS += ("petitions_closed", "overdue_open")


def statistics_rows():
    from dashboards.models import DepartmentMonth

    return {
        model.__name__: sorted(
            model.objects.filter(group=ALL_GROUPS).values_list("region_code", "month", "period", *STATS), key=str
        )
        for model in (RegionMonth, DepartmentMonth)
    }


def test_disputes_and_hazards_move_the_ledger_statistics_up_to_the_county(computed, django_capture_on_commit_callbacks):
    from disputes.services import dispute_create
    from hazards.services import hazard_create, hazard_transition

    world = computed
    clerk = world.users["clerk_a"]
    before = county_ytd(world, MAR)
    with django_capture_on_commit_callbacks(execute=True):
        dispute_create(
            actor=clerk,
            data={
                "subject": world.school_a,
                "found_on": datetime.date(2026, 2, 3),
                "category": "邻里纠纷",
                "summary": "噪音",
            },
        )
        hazard = hazard_create(
            actor=clerk,
            data={
                "subject": world.shop_a,
                "found_on": datetime.date(2026, 3, 2),
                "category": "用电",
                "level": "一般",
                "description": "电线老化",
            },
        )
    after = county_ytd(world, MAR)
    assert (after.disputes_found, after.hazards_found) == (before.disputes_found + 1, before.hazards_found + 1)
    assert after.overdue_open == before.overdue_open + 2  # the dispute's ladder and the hazard's 7 days are past
    town = RegionMonth.objects.get(region=world.town_a, month=FEB, group=ALL_GROUPS, period=Period.MONTH)
    assert town.disputes_found == 1
    # a step of the workflow moves them too: the hazard rectified in March
    with django_capture_on_commit_callbacks(execute=True):
        hazard_transition(actor=clerk, obj=hazard, name="rectify", data={"rectified_on": datetime.date(2026, 3, 20)})
    rectified = county_ytd(world, MAR)
    assert (rectified.hazards_rectified, rectified.overdue_open) == (
        after.hazards_rectified + 1,
        after.overdue_open - 1,
    )
    incremental_rows = statistics_rows()
    for month in (JAN, FEB, MAR):
        compute.compute_month(region=world.county, month=month)
    assert statistics_rows() == incremental_rows


def test_the_task_is_idempotent(computed):
    world = computed
    Accident.objects.create(subject=world.shop_a, occurred_on=datetime.date(2026, 2, 14), kind="火灾", injuries=1)
    pairs = [[world.shop_a.pk, "2026-02-01"]]
    incremental.refresh_subjects_task.delay(pairs).get()
    once = snapshot()
    incremental.refresh_subjects_task.delay(pairs).get()
    assert snapshot() == once
    assert once[0][(world.shop_a.pk, FEB)]["passed"] is False


def test_a_joining_date_moved_by_an_import_drops_the_entries_before_it(computed, django_capture_on_commit_callbacks):
    from units.models import Subject
    from units.services import subjects_bulk_save

    world = computed
    with django_capture_on_commit_callbacks(execute=True):
        fire(world, datetime.date(2026, 1, 5))
    assert SubjectMonth.objects.get(subject=world.shop_a, month=MAR).ytd_passed is False
    shop = Subject.objects.get(pk=world.shop_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        subjects_bulk_save(
            actor=world.users["clerk_a"], creates=[], updates=[(shop, {"joined_on": datetime.date(2026, 1, 10)})]
        )
    assert SubjectMonth.objects.get(subject=world.shop_a, month=MAR).ytd_passed is True
