"""Fan-out (issue 11 point 2): a city's months computed as per-county parts give the rows of one
compute_month per month; the job page combines the parts' progress; a failing part fails the job.

The city: units.scale.build_city at a small scale (two counties of two townships), a subject on the
city itself, entries of the three zeros' ledgers and of the statistics' ledgers.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
import time_machine

from dashboards import compute, fanout, services
from dashboards.models import DepartmentMonth, RegionMonth, SnapshotJob, SnapshotPart, SubjectMonth
from hazards.models import Accident, Hazard
from petitions.models import Petition
from sanzero.roles import Role
from units.models import Category, Region, Subject
from units.scale import CITY_CODE, build_city
from units.services import user_create

pytestmark = pytest.mark.django_db
JAN, FEB, MAR = (datetime.date(2026, m, 1) for m in (1, 2, 3))


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        yield


@pytest.fixture
def city(db):
    build_city(seed=7, counties=2, townships_per_county=2, scale=0.01)
    city = Region.objects.get(code=CITY_CODE)
    Subject.objects.create(name="市直单位", category=Category.objects.get(name="企业"), region=city)
    subjects = itertools.cycle(Subject.objects.order_by("pk")[::7])
    for n, day in enumerate(datetime.date(2026, 1, 3) + datetime.timedelta(days=d) for d in range(0, 85, 4)):
        Accident.objects.create(subject=next(subjects), occurred_on=day, kind="火灾", injuries=n % 2)
        Petition.objects.create(
            subject=next(subjects),
            received_on=day,
            channel="来访",
            type="申诉求决",
            headcount=1 + n % 6,
            level_reached="乡镇",
            content="诉求",
            handle_due=day + datetime.timedelta(days=30),
            notify_due=day + datetime.timedelta(days=15),
        )
        Hazard.objects.create(
            subject=next(subjects),
            found_on=day,
            category="消防",
            level="一般",
            description="x",
            rectify_due=day + datetime.timedelta(days=7),
        )
    county_user = user_create(
        actor=None,
        username="city",
        role=Role.COUNTY,
        region_codes=[CITY_CODE],
        password="x" * 12,
        check_password_strength=False,
    )
    return city, county_user


def rows():
    out = {}
    for model in (SubjectMonth, RegionMonth, DepartmentMonth):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        out[model] = sorted(model.objects.values_list(*fields), key=str)
    return out


def test_a_year_in_parts_gives_the_rows_of_one_computation_per_month(city):
    region, user = city
    job = services.snapshot_request(actor=user, region=region, month=JAN, last_month=MAR)
    services.snapshot_run_job(job_id=job.pk)  # eager: the parts run one after the other
    job.refresh_from_db()
    assert job.status == SnapshotJob.Status.DONE, job.message
    assert job.progress == 100
    parts = SnapshotPart.objects.filter(job=job)
    assert parts.count() == 3 * (2 + 1) and set(parts.values_list("status", flat=True)) == {"done"}
    assert job.subject_count == SubjectMonth.objects.filter(month=MAR).count() > 0
    assert "3个月" in job.message
    fanned = rows()
    assert SubjectMonth.objects.filter(month=MAR, region_code=CITY_CODE).count() == 1  # the city's own subject

    SubjectMonth.objects.all().delete()
    RegionMonth.objects.all().delete()
    DepartmentMonth.objects.all().delete()
    for month in (JAN, FEB, MAR):
        compute.compute_month(region=region, month=month, now=job.started_at)
    assert rows() == fanned


def test_the_job_page_shows_the_parts(city, client):
    region, user = city
    job = services.snapshot_request(actor=user, region=region, month=JAN, last_month=FEB)
    services.snapshot_run_job(job_id=job.pk)
    client.force_login(user)
    body = client.get(f"/dashboard/jobs/{job.pk}/").content.decode()
    assert 'id="job-parts"' in body and "2026年1月" in body and "2/2" in body
    assert "2026年1月至2月" in body and "共2个月" in body


def test_a_failing_part_fails_the_job_and_names_its_county(city, monkeypatch):
    region, user = city
    real = compute.compute_unit
    second = Region.objects.filter(level="county").order_by("code")[1]

    def broken(*, unit, month, now):
        if unit == second:
            raise RuntimeError("磁盘已满")
        return real(unit=unit, month=month, now=now)

    monkeypatch.setattr(compute, "compute_unit", broken)
    job = services.snapshot_request(actor=user, region=region, month=MAR)
    services.snapshot_run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == SnapshotJob.Status.FAILED
    assert second.name in job.message and "磁盘已满" in job.message
    assert not SnapshotPart.objects.filter(job=job, kind="above", status="done").exists()


def test_a_part_delivered_twice_runs_once(city):
    region, user = city
    job = services.snapshot_request(actor=user, region=region, month=MAR)
    services.snapshot_run_job(job_id=job.pk)
    part = SnapshotPart.objects.filter(job=job, kind="county").first()
    assert fanout.run_part(part.pk) == "skipped"


def test_a_locked_month_of_the_range_is_skipped_and_said_so(city):
    from dashboards.models import MonthStatus

    region, user = city
    MonthStatus.objects.create(region=region, month=FEB, status=MonthStatus.Status.LOCKED)
    job = services.snapshot_request(actor=user, region=region, month=JAN, last_month=MAR)
    services.snapshot_run_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == SnapshotJob.Status.DONE
    assert "2026年2月已锁定" in job.message
    assert not SubjectMonth.objects.filter(month=FEB).exists()
    assert SubjectMonth.objects.filter(month=MAR).exists()


def test_a_job_whose_parts_wait_in_the_queue_is_not_given_up_for_its_silent_heartbeat(city, client):
    """Parts queued behind other work beat for nobody: the page and the sweeper leave the job running
    while a county part waits; once none waits, a silent heartbeat means a lost worker again."""
    from sanzero import jobs

    region, county_user = city
    job = SnapshotJob.objects.create(
        region=region, month=JAN, last_month=FEB, requested_by=county_user, status=SnapshotJob.Status.RUNNING
    )
    county = Region.objects.filter(code__startswith=region.prefix, level="county").first()
    part = SnapshotPart.objects.create(job=job, region=county, month=JAN, kind=SnapshotPart.Kind.COUNTY)
    SnapshotPart.objects.create(job=job, region=region, month=JAN, kind=SnapshotPart.Kind.ABOVE)
    silent = datetime.datetime(2026, 4, 10, 8, 0, tzinfo=datetime.UTC)  # an hour without a beat
    SnapshotJob.objects.filter(pk=job.pk).update(heartbeat_at=silent, started_at=silent)
    job.refresh_from_db()

    client.force_login(county_user)
    assert not job.stalled
    assert client.get(f"/dashboard/jobs/{job.pk}/").status_code == 200
    assert jobs.give_up_stale(SnapshotJob) == 0
    job.refresh_from_db()
    assert job.status == SnapshotJob.Status.RUNNING

    # the county part was taken and its worker died: nothing waits in the queue any more
    SnapshotPart.objects.filter(pk=part.pk).update(status=SnapshotPart.Status.RUNNING)
    assert job.stalled
    assert jobs.give_up_if_stalled(job)
    assert job.given_up
