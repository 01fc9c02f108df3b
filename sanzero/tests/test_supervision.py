"""督办 page, overdue notifications and the deadline settings page."""

import datetime

import pytest
import time_machine

from hazards import services as hazard_services
from ledger.supervision import notify_newly_overdue
from ledger.tasks import notify_overdue_task
from sanzero.models import DeadlineSettings, Notification
from sanzero.testing import check_role_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 9, 0), tick=False):
        yield


def make_hazard(world, subject, found_on, user="clerk_a"):
    return hazard_services.hazard_create(
        actor=world.users[user],
        data={"subject": subject, "found_on": found_on, "category": "用电", "level": "一般", "description": "电线老化"},
    )


def test_supervision_lists_overdue_and_nearly_due_entries_in_scope_sorted_by_days_overdue(world, client_as):
    late = make_hazard(world, world.shop_a, datetime.date(2026, 3, 1))  # due 03-08: 8 days overdue
    later = make_hazard(world, world.school_a, datetime.date(2026, 2, 20))  # due 02-27: 17 days overdue
    soon = make_hazard(world, world.shop_a, datetime.date(2026, 3, 11))  # due 03-18: yellow
    make_hazard(world, world.shop_a, datetime.date(2026, 3, 15))  # due 03-22: not shown
    other = make_hazard(world, world.shop_b, datetime.date(2026, 3, 1), user="clerk_b")
    response = client_as("clerk_a").get("/supervision/")
    assert response.status_code == 200
    entries = [item.entry for item in response.context["page"]]
    assert entries == [later, late, soon]
    assert other not in entries
    assert response.context["red"] == 2 and response.context["yellow"] == 1
    county = client_as("county").get("/supervision/?colour=red")
    assert {i.entry for i in county.context["page"]} == {later, late, other}


def test_the_supervision_list_exports_its_filtered_rows_in_order(
    world, client_as, settings, tmp_path, django_capture_on_commit_callbacks
):
    import io

    import openpyxl

    from sanzero.models import ExportJob

    settings.MEDIA_ROOT = tmp_path
    make_hazard(world, world.shop_a, datetime.date(2026, 3, 1))  # due 03-08: 8 days overdue
    make_hazard(world, world.school_a, datetime.date(2026, 2, 20))  # due 02-27: 17 days overdue
    make_hazard(world, world.shop_a, datetime.date(2026, 3, 11))  # due 03-18: yellow
    make_hazard(world, world.shop_b, datetime.date(2026, 3, 1), user="clerk_b")
    client = client_as("clerk_a")
    assert "导出Excel" in client.get("/supervision/").content.decode()
    response = client.get("/supervision/?export=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("期限状态", "办理期限", "台账", "创建主体", "乡镇(街道)", "所属区划", "状态", "区划代码")
    assert [(r[0], r[1].date(), r[3]) for r in rows[1:]] == [
        ("超期17天", datetime.date(2026, 2, 27), world.school_a.name),
        ("超期8天", datetime.date(2026, 3, 8), world.shop_a.name),
        ("2天后到期", datetime.date(2026, 3, 18), world.shop_a.name),
    ]
    red_only = client.get("/supervision/?colour=red&export=xlsx")
    assert (
        len(
            list(
                openpyxl.load_workbook(io.BytesIO(b"".join(red_only.streaming_content)))
                .worksheets[0]
                .iter_rows(min_row=2)
            )
        )
        == 2
    )

    settings.EXPORT_SYNC_ROW_LIMIT = 1  # more rows: a job, rebuilt with the same filter for its owner
    with django_capture_on_commit_callbacks(execute=True):
        assert client_as("county").get("/supervision/?export=xlsx")["Location"] == "/exports/"
    job = ExportJob.objects.get()
    assert (job.kind, job.status, job.row_count, job.label) == ("supervision", "done", 4, "督办清单（全部）")


def test_supervision_page_needs_login_and_is_open_to_every_role(world, client_as):
    check_role_matrix(
        client_as,
        "/supervision/",
        {"anonymous": 302, "admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 200, "grid_a": 200, "dept_edu": 200},
    )


def test_daily_task_notifies_each_newly_overdue_entry_once_for_its_township(world, client_as):
    late = make_hazard(world, world.shop_a, datetime.date(2026, 3, 1))
    make_hazard(world, world.shop_a, datetime.date(2026, 3, 14))  # not overdue yet
    assert notify_overdue_task.delay().get() == 1
    assert notify_newly_overdue() == 0
    note = Notification.objects.get()
    assert note.region == world.town_a and note.url == late.get_absolute_url()
    assert "已超期" in note.message
    page = client_as("clerk_a").get("/notifications/")
    assert page.context["unread"] == 1
    assert client_as("clerk_b").get("/notifications/").context["unread"] == 0
    client_as("clerk_a").post("/notifications/")
    assert client_as("clerk_a").get("/notifications/").context["unread"] == 0


def test_deadline_settings_are_edited_by_county_and_admin_only_and_audited(world, client_as):
    check_role_matrix(
        client_as,
        "/settings/deadlines/",
        {"anonymous": 302, "admin": 200, "county": 200, "clerk_a": 403, "grid_a": 403, "dept_edu": 403},
    )
    current = DeadlineSettings.current()
    data = {
        f: getattr(current, f)
        for f in (
            "petition_notify_days",
            "petition_handle_days",
            "petition_extend_max_days",
            "petition_collective_headcount",
            "hazard_general_days",
            "hazard_major_days",
            "warn_days",
        )
    }
    response = client_as("county").post(
        "/settings/deadlines/", {**data, "hazard_general_days": 10, "version": current.version}
    )
    assert response.status_code == 302
    current.refresh_from_db()
    assert current.hazard_general_days == 10
    record = current.history.latest()
    assert record.history_user == world.users["county"]
    h = make_hazard(world, world.shop_a, datetime.date(2026, 3, 2))
    assert h.due_on == datetime.date(2026, 3, 12)
    bad = client_as("county").post("/settings/deadlines/", {**data, "warn_days": 99, "version": current.version})
    assert bad.status_code == 400 and "warn_days" in bad.context["form"].errors
    refused = client_as("clerk_a").post("/settings/deadlines/", {**data, "hazard_general_days": 1})
    assert refused.status_code == 403
    current.refresh_from_db()
    assert current.hazard_general_days == 10
