"""Import jobs: big files run as a task with progress, the job page polls, the stale sweeper, a real worker,
the jobs in the admin."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sanzero.importing import jobs
from sanzero.models import ImportJob
from sanzero.tests.helpers import SUBJECT_HEADERS, upload, xlsx
from units.models import Subject

pytestmark = pytest.mark.usefixtures("media")  # uploads and import records go to a temporary MEDIA_ROOT


def test_big_files_run_as_a_task_with_progress(world, client_as, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    real_delay = jobs.import_job_task.delay
    monkeypatch.setattr(jobs.import_job_task, "delay", lambda *a: sent.append(a) or real_delay(*a))
    rows = [SUBJECT_HEADERS] + [
        [f"后台单位{i:04d}", "企业", "990121100000", None, None, None, None, None, None, None]
        for i in range(jobs.ASYNC_ROW_THRESHOLD + 1)
    ]
    client = client_as("clerk_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("importing:index"), {"kind": "subjects", "file": upload("big.xlsx", xlsx(rows))})
    job = ImportJob.objects.get(filename="big.xlsx")
    assert sent == [(job.pk, False)]
    assert job.status == "validated" and job.new_rows == jobs.ASYNC_ROW_THRESHOLD + 1
    assert response["Location"] == reverse("importing:job", args=[job.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("importing:confirm", args=[job.pk]))
    assert sent[-1] == (job.pk, True)
    job.refresh_from_db()
    assert (job.status, job.progress, job.new_rows) == ("done", 100, jobs.ASYNC_ROW_THRESHOLD + 1)
    assert Subject.objects.filter(name__startswith="后台单位").count() == jobs.ASYNC_ROW_THRESHOLD + 1
    # A second delivery of the task (acks_late) finds the job finished and does nothing.
    assert jobs.import_job_task(job.pk, True) == "done"
    job.refresh_from_db()
    assert (job.status, job.new_rows, job.unchanged_rows) == ("done", jobs.ASYNC_ROW_THRESHOLD + 1, 0)


def test_a_running_job_page_polls_its_progress(world, client_as):
    job = ImportJob.objects.create(
        user=world.users["clerk_a"],
        kind="subjects",
        filename="x.xlsx",
        file="imports/x.xlsx",
        status="running",
        total_rows=5000,
        progress=40,
    )
    client = client_as("clerk_a")
    page = client.get(reverse("importing:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "40%" in page
    assert "校验中" in page and "正在后台校验" in page  # no counts yet: the dry run is running
    ImportJob.objects.filter(pk=job.pk).update(new_rows=5000)  # counts of a passed dry run: importing
    page = client.get(reverse("importing:job", args=[job.pk])).content.decode()
    assert "导入中" in page and "正在后台导入" in page and "校验中" not in page
    partial = client.get(reverse("importing:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "import-progress" in partial.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status="done")
    finished = client.get(reverse("importing:job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert finished.status_code == 204 and finished["HX-Refresh"] == "true"


def test_a_job_a_dead_worker_left_running_is_given_up_by_the_sweeper(world, client_as):
    import time_machine

    from sanzero.tasks import give_up_stale_jobs_task

    with time_machine.travel(datetime(2026, 3, 20, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        running = ImportJob.objects.create(
            user=world.users["clerk_a"],
            kind="subjects",
            filename="x.xlsx",
            file="imports/x.xlsx",
            status="running",
            total_rows=5000,
            progress=40,
            started_at=timezone.now(),
        )
    with time_machine.travel(datetime(2026, 3, 20, 11, 30, tzinfo=timezone.get_current_timezone()), tick=False):
        fresh = ImportJob.objects.create(
            user=world.users["clerk_a"],
            kind="subjects",
            filename="y.xlsx",
            file="imports/y.xlsx",
            status="queued",
            total_rows=5000,
        )
        client = client_as("clerk_a")
        assert 'hx-trigger="every 1s"' in client.get(reverse("importing:job", args=[running.pk])).content.decode()
        assert give_up_stale_jobs_task()["sanzero.ImportJob"] == 1
        running.refresh_from_db()
        fresh.refresh_from_db()
        assert (running.status, fresh.status) == ("failed", "queued") and running.given_up
        page = client.get(reverse("importing:job", args=[running.pk])).content.decode()
        assert "导入失败（已停止响应）" in page and "任务已中断" in page and "整个文件未写入任何数据" in page
        assert 'hx-trigger="every 1s"' not in page
        assert "失败（已停止响应）" in client.get(reverse("importing:history")).content.decode()


def test_a_dry_run_confirmed_hours_after_the_upload_is_not_stale(world):
    """Confirming queues the job again and restarts its clock: the sweeper leaves it to its worker."""
    from sanzero.jobs import give_up_stale

    job = ImportJob.objects.create(
        user=world.users["clerk_a"],
        kind="subjects",
        filename="x.xlsx",
        file="imports/x.xlsx",
        status="validated",
        total_rows=5000,
    )
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(hours=5), started_at=timezone.now() - timedelta(hours=5)
    )
    ImportJob.objects.filter(pk=job.pk).update(status="queued", started_at=timezone.now())  # as job_confirm does
    assert give_up_stale(ImportJob) == 0


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_big_import_runs_on_a_real_worker(world, client_as, settings, monkeypatch, worker):
    """Dry run and import of a file over the threshold both run in the worker process, by task name."""
    import time

    monkeypatch.setattr(jobs, "ASYNC_ROW_THRESHOLD", 2)  # decided in this process: send it to the worker
    rows = [SUBJECT_HEADERS] + [
        [f"工作进程单位{i}", "企业", "990121100000", None, None, None, None, None, None, None] for i in range(5)
    ]
    client = client_as("clerk_a")
    client.post(reverse("importing:index"), {"kind": "subjects", "file": upload("worker.xlsx", xlsx(rows))})
    job = ImportJob.objects.get(filename="worker.xlsx")

    def wait_for(*statuses):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in statuses:
                return
            time.sleep(0.3)
        pytest.fail(f"the import job stayed {job.status}")

    try:
        wait_for("validated", "invalid", "failed")
        assert (job.status, job.new_rows) == ("validated", 5), job.errors
        assert not Subject.objects.filter(name__startswith="工作进程单位").exists()
        client.post(reverse("importing:confirm", args=[job.pk]))
        wait_for("done", "failed")
        assert job.status == "done", job.errors
        created = Subject.objects.filter(name__startswith="工作进程单位")
        assert created.count() == 5
        assert {s.history.get().history_user for s in created} == {world.users["clerk_a"]}
    finally:
        job.file.storage.delete(job.file.name)


def test_the_administrator_reads_import_and_export_jobs_in_the_admin_without_their_files(world, client_as):
    from sanzero.models import ExportJob

    job = ImportJob.objects.create(
        user=world.users["clerk_a"],
        kind="subjects",
        filename="名单.xlsx",
        file="imports/secret-name.xlsx",
        status="done",
        total_rows=3,
        new_rows=3,
    )
    export = ExportJob.objects.create(
        user=world.users["county"],
        kind="units:subject_list",
        label="创建主体（全部）",
        file="exports/secret-export.xlsx",
        status="done",
        row_count=3,
    )
    admin = client_as("admin")
    assert "名单.xlsx" in admin.get("/admin/sanzero/importjob/").content.decode()
    for url in (f"/admin/sanzero/importjob/{job.pk}/change/", f"/admin/sanzero/exportjob/{export.pk}/change/"):
        page = admin.get(url)
        assert page.status_code == 200 and "secret-" not in page.content.decode()
    assert admin.get("/admin/sanzero/importjob/add/").status_code == 403
    assert admin.post(f"/admin/sanzero/exportjob/{export.pk}/delete/").status_code == 403
