"""Big exports and the download centre (下载中心): an export over the limit becomes a job that re-applies
the user's scope, filters and masks; only its owner downloads it; expired files are deleted; a real worker."""

from __future__ import annotations

import datetime
import io
import time

import pytest
import time_machine
from django.core.management import call_command

from sanzero.exporting import services as export_services
from sanzero.models import AccessLog, ExportJob
from sanzero.testing import check_role_matrix
from sanzero.tests.helpers import ID, MASKED_ID, PHONE, column, export, page_rows, read_xlsx
from units.models import Category, Subject

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("export_clock", "media")]


def _bulk_subjects(world, count: int):
    enterprise = Category.objects.get(name="企业")
    Subject.objects.bulk_create(
        Subject(name=f"批量主体{i:05d}", category=enterprise, region=world.village_a, phone=PHONE) for i in range(count)
    )


def test_an_export_over_2000_rows_becomes_a_job_that_only_its_owner_downloads(
    client_as, world, django_capture_on_commit_callbacks
):
    _bulk_subjects(world, 2001)
    client = client_as("county")
    expected = Subject.objects.for_user(world.users["county"]).count()
    assert expected > export_services.SYNC_ROW_LIMIT
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = export(client, "/subjects/?group=unit")
    assert response.status_code == 302 and response["Location"] == "/exports/"
    assert len(callbacks) == 1

    job = ExportJob.objects.get()
    assert (job.user.username, job.kind, job.query, job.status, job.progress) == (
        "county",
        "units:subject_list",
        "group=unit",
        "done",
        100,
    )
    assert job.label == "创建主体（分组：单位(企业)）"
    units = Subject.objects.filter(category__group="unit").count()
    assert job.row_count == units
    assert job.expires_at == job.finished_at + datetime.timedelta(days=7)
    assert job.file.name.startswith("exports/2026/03/") and job.personal_data

    page = client.get("/exports/")
    text = page.content.decode()
    assert "创建主体（分组：单位(企业)）" in text and f"/exports/{job.pk}/download/" in text
    assert 'hx-trigger="every 2s"' not in text  # nothing running: no polling

    download = client.get(f"/exports/{job.pk}/download/")
    headers, rows = read_xlsx(download)
    assert len(rows) == units and headers[0] == "主体名称"
    assert set(column(headers, rows, "联系电话")) - {None} == {PHONE}  # county may see it: logged
    log = AccessLog.objects.get()
    assert log.action == "export" and f"后台导出#{job.pk}" in log.detail

    check_role_matrix(
        client_as,
        f"/exports/{job.pk}/download/",
        {"county": 200, "admin": 404, "clerk_a": 404, "clerk_b": 404, "grid_a": 404, "anonymous": 302},
    )
    assert f"/exports/{job.pk}/download/" not in client_as("admin").get("/exports/").content.decode()


def test_a_job_re_applies_the_users_scope_and_filters_and_masks_inside_the_task(
    client_as, export_data, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_ROW_LIMIT = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client_as("clerk_b"), "/petitions/?type=检举控告")
    assert response["Location"] == "/exports/"
    with django_capture_on_commit_callbacks(execute=True):
        export(client_as("grid_a"), "/petitions/")
    clerk_job, grid_job = ExportJob.objects.order_by("pk")

    _, keys, _ = page_rows(client_as("clerk_b"), "/petitions/?type=检举控告")
    headers, rows = read_xlsx(client_as("clerk_b").get(f"/exports/{clerk_job.pk}/download/"))
    assert sorted(column(headers, rows, "诉求内容")) == sorted(keys) and len(keys) == 2
    assert set(column(headers, rows, "身份证号")) == {ID}

    headers, rows = read_xlsx(client_as("grid_a").get(f"/exports/{grid_job.pk}/download/"))
    assert len(rows) == page_rows(client_as("grid_a"), "/petitions/")[0]
    assert set(column(headers, rows, "身份证号")) == {MASKED_ID} and not grid_job.personal_data
    assert [log.user.username for log in AccessLog.objects.all()] == ["clerk_b"]


def test_a_finished_job_is_not_run_twice_and_a_failing_one_is_marked_failed(world):
    job = ExportJob.objects.create(user=world.users["county"], kind="units:subject_list", label="创建主体（全部）")
    assert export_services.export_job_run(job_id=job.pk).status == "done"
    name = ExportJob.objects.get(pk=job.pk).file.name
    assert export_services.export_job_run(job_id=job.pk).file.name == name  # idempotent
    broken = ExportJob.objects.create(user=world.users["county"], kind="units:subject_detail", label="x")
    failed = export_services.export_job_run(job_id=broken.pk)
    assert failed.status == "failed" and failed.message and not failed.file


def test_the_download_centre_polls_while_a_job_runs(client_as, world):
    job = ExportJob.objects.create(
        user=world.users["clerk_a"], kind="units:subject_list", label="创建主体（全部）", status="running", progress=40
    )
    client = client_as("clerk_a")
    text = client.get("/exports/").content.decode()
    assert 'hx-trigger="every 2s"' in text and "40%" in text and "<html" in text
    partial = client.get("/exports/", headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="export-jobs"') and "<html" not in partial
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404  # not finished yet


def test_expired_files_are_deleted_by_cleanup_exports(client_as, world, media):
    _bulk_subjects(world, 3)
    job = ExportJob.objects.create(user=world.users["county"], kind="units:subject_list", label="创建主体（全部）")
    job = export_services.export_job_run(job_id=job.pk)
    path = media / job.file.name
    assert path.exists()
    stale = ExportJob.objects.create(user=world.users["county"], kind="units:subject_list", label="x")
    ExportJob.objects.filter(pk=stale.pk).update(created_at=job.created_at - datetime.timedelta(days=1))

    out = io.StringIO()
    call_command("cleanup_exports", stdout=out)
    assert path.exists() and "0 个" in out.getvalue()  # not yet expired; the stale job is given up
    assert ExportJob.objects.get(pk=stale.pk).status == "failed"

    with time_machine.travel(datetime.datetime(2026, 3, 23, 10, 1), tick=False):
        call_command("cleanup_exports", stdout=io.StringIO())
        assert not path.exists()
        job.refresh_from_db()
        assert job.file.name == "" and job.status == "done"
        response = client_as("county").get(f"/exports/{job.pk}/download/")
        assert response.status_code == 302 and response["Location"] == "/exports/"
        assert "已过期" in client_as("county").get("/exports/").content.decode()


def test_the_download_centre_is_in_the_navigation(client_as, world):
    assert 'href="/exports/"' in client_as("grid_a").get("/").content.decode()
    # Importing roles find it in the 导入导出 dropdown; department staff, who cannot import, get a
    # plain link rather than a dropdown of one.
    clerk = client_as("clerk_a").get("/").content.decode()
    assert 'bi-arrow-down-up me-1"></i>导入导出' in clerk and 'href="/imports/"' in clerk
    department = client_as("dept_edu").get("/").content.decode()
    assert "导入导出" not in department and 'href="/exports/"' in department


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_big_export_runs_on_a_real_worker(world, client_as, settings, worker):
    """The worker process finds the task by name, rebuilds the list for the user and writes the file."""
    settings.EXPORT_SYNC_ROW_LIMIT = 2  # the worker has the default limit; only this request decides
    client = client_as("clerk_a")
    response = export(client, "/subjects/")
    assert response.status_code == 302 and response["Location"] == "/exports/"
    job = ExportJob.objects.get()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in ("done", "failed"):
            break
        time.sleep(0.5)
    try:
        assert job.status == "done", job.message
        headers, rows = read_xlsx(client.get(f"/exports/{job.pk}/download/"))
        assert sorted(column(headers, rows, "主体名称")) == sorted(
            Subject.objects.for_user(world.users["clerk_a"]).values_list("name", flat=True)
        )
        assert client_as("county").get(f"/exports/{job.pk}/download/").status_code == 404
    finally:
        if job.file:
            job.file.storage.delete(job.file.name)
