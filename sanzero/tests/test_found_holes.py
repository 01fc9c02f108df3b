"""The four holes an outside probe found (issue 13), each with its regression test: notifications across
the department axis, snapshot job pages of other users, formula injection in the committee report, and
500s on bad parameters (the last runs on PostgreSQL in CI, where a NUL byte used to reach the database)."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
import time_machine

from dashboards import compute
from dashboards.models import SnapshotJob
from ledger.supervision import notify_newly_overdue
from petitions.services import petition_create
from reports.builder import build_report
from sanzero.models import Notification
from units.models import Region, Subject

pytestmark = pytest.mark.django_db

LISTS = [
    "/subjects/",
    "/regions/",
    "/disputes/",
    "/hazards/",
    "/hazards/acceptance/",
    "/accidents/",
    "/petitions/",
    "/cases/",
    "/places/",
    "/supervision/",
    "/notifications/",
    "/imports/mine/",
    "/exports/",
    "/dashboard/",
    "/dashboard/ranking/",
    "/dashboard/subjects/",
    "/reports/",
]
HOSTILE = ["-1", "9" * 25, "\x00", "' OR 1=1 --", "<script>", "%", "😀"]
PARAMS = [
    "page",
    "per_page",
    "sort",
    "region",
    "q",
    "subject",
    "date_from",
    "date_to",
    "status",
    "month",
    "period",
    "outcome",
    "group",
    "zero",
    "year",
    "kind",
    "colour",
    "deadline",
    "category",
    "export",
]


def _petition(world, subject, **extra):
    data = {
        "subject": subject,
        "received_on": datetime.date(2026, 1, 5),
        "channel": "来访",
        "type": "申诉求决",
        "headcount": 1,
        "level_reached": "乡镇",
        "content": "诉求",
        **extra,
    }
    return petition_create(
        actor=world.users["clerk_a" if subject.region.code.startswith("990121100") else "clerk_b"], data=data
    )


@time_machine.travel(datetime.datetime(2026, 3, 20, 9, 0), tick=False)
def test_a_department_user_sees_the_notices_of_its_own_subjects_only_and_no_accusation(world, client_as):
    school = _petition(world, world.school_a)  # 教育局's school
    shop = _petition(world, world.shop_a)  # 市场监督管理局's shop
    accusation = _petition(world, world.school_b, type="检举控告", content="检举校长")  # accuses 教育局
    assert notify_newly_overdue(today=datetime.date(2026, 3, 20)) == 3
    urls = {n.url for n in Notification.objects.for_user(world.users["dept_edu"])}
    assert urls == {school.get_absolute_url()}
    page = client_as("dept_edu").get("/notifications/").content.decode()
    assert school.get_absolute_url() in page
    assert shop.get_absolute_url() not in page and accusation.get_absolute_url() not in page
    county = {n.url for n in Notification.objects.for_user(world.users["county"])}
    assert county == {school.get_absolute_url(), shop.get_absolute_url(), accusation.get_absolute_url()}


def test_a_snapshot_job_page_is_county_staffs_alone(world, client_as):
    job = SnapshotJob.objects.create(
        region=world.county, month=datetime.date(2026, 3, 1), requested_by=world.users["county"]
    )
    for role in ("dept_edu", "clerk_a", "clerk_b", "grid_a"):
        client = client_as(role)
        assert client.get(f"/dashboard/jobs/{job.pk}/").status_code == 404, role
        assert client.get(f"/dashboard/jobs/{job.pk}/", headers={"HX-Request": "true"}).status_code == 404, role
    assert client_as("county").get(f"/dashboard/jobs/{job.pk}/").status_code == 200
    assert client_as("admin").get(f"/dashboard/jobs/{job.pk}/").status_code == 200
    overview = client_as("dept_edu").get("/dashboard/?month=2026-03").context
    assert list(overview["jobs"]) == []


@time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False)
def test_names_that_look_like_formulas_are_text_in_the_committee_report(world):
    evil = '=HYPERLINK("http://evil.example/x","点击")'
    Region.objects.filter(pk=world.town_a.pk).update(name=evil)
    Subject.objects.filter(pk=world.shop_a.pk).update(name="+cmd|' /C calc'!A0")
    Region.objects.filter(pk=world.town_b.pk).update(name="#N/A")
    compute.compute_month(region=world.county, month=datetime.date(2026, 3, 1))
    buffer = io.BytesIO()
    build_report(user_or_none=None, region=world.county, month=datetime.date(2026, 3, 1), stream_or_path=buffer)
    buffer.seek(0)
    workbook = openpyxl.load_workbook(buffer)
    found = found_error_code = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == evil:
                    found += 1
                    assert cell.data_type == "s" and cell.quotePrefix, (ws.title, cell.coordinate)
                if cell.value == "#N/A":
                    found_error_code += 1
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                assert cell.data_type not in ("f", "e"), (ws.title, cell.coordinate, cell.value)
    assert found_error_code >= 1  # a township named like an error value is listed as text
    assert found >= 3  # 汇总表, 达标数据 and 月度数据 name the township


@pytest.mark.parametrize("url", LISTS)
def test_a_page_size_outside_the_offered_ones_is_the_default_page(world, client_as, url):
    client = client_as("dept_edu" if url == "/hazards/acceptance/" else "county")  # 验收 is not county staff's
    assert client.get(url).status_code == 200, url  # every list probed is a real page
    for value in ("-1", "0", "9" * 25, "abc"):
        response = client.get(url, {"per_page": value})
        assert response.status_code == 200, (url, value, response.status_code)
        table = response.context.get("table")
        if table is not None and getattr(table, "paginator", None) is not None:
            assert table.paginator.per_page == 25, (url, value)


def test_a_nul_byte_in_a_region_code_is_no_error_on_supervision(world, client_as):
    response = client_as("county").get("/supervision/", {"region": "\x00"})
    assert response.status_code == 200 and response.context["total"] == 0


@pytest.mark.parametrize("role,values", [("county", HOSTILE), ("clerk_a", HOSTILE[:3]), ("dept_edu", HOSTILE[:3])])
def test_hostile_values_of_every_list_parameter_never_make_a_500(world, client_as, role, values):
    client = client_as(role)
    failures = []
    for url in LISTS:
        assert client.get(url).status_code in (200, 403), (role, url)  # the page exists; the probe means something
        for name in PARAMS:
            for value in values:
                status = client.get(url, {name: value}).status_code
                if status >= 500:
                    failures.append(f"{url}?{name}={value!r}: {status}")
    assert not failures, "\n".join(failures[:40])
