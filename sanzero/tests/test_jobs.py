"""The one background-job lifecycle (sanzero.jobs) under ImportJob, ExportJob and SnapshotJob: claiming,
progress, finishing and failing, the stale sweeper, and what the job pages show of a job given up."""

from __future__ import annotations

import datetime
import logging
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.base import ContentFile

from config.celery import app as celery_app
from dashboards import compute
from dashboards import services as dashboard_services
from dashboards.models import SnapshotJob
from sanzero import jobs
from sanzero.exporting import services as export_services
from sanzero.importing import jobs as import_jobs
from sanzero.importing.engine import ImportResult
from sanzero.models import ExportJob, ImportJob
from sanzero.tasks import cleanup_exports_task, give_up_stale_jobs_task

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 3, 20, 9, 0, tzinfo=SHANGHAI)


def export_job(world, **fields) -> ExportJob:
    return ExportJob.objects.create(
        user=world.users["county"], kind="units:subject_list", label="创建主体（全部）", **fields
    )


def import_job(world, **fields) -> ImportJob:
    return ImportJob.objects.create(
        user=world.users["clerk_a"], kind="subjects", filename="名单.xlsx", file="imports/x.xlsx", **fields
    )


def snapshot_job(world, **fields) -> SnapshotJob:
    return SnapshotJob.objects.create(
        region=world.county, month=datetime.date(2026, 3, 1), requested_by=world.users["county"], **fields
    )


# -- the models --------------------------------------------------------------------------------------------


def test_every_job_model_is_a_background_job_with_the_common_states_under_its_own_words():
    assert {m._meta.label for m in jobs.job_models()} == {
        "sanzero.ImportJob",
        "sanzero.ExportJob",
        "dashboards.SnapshotJob",
    }
    for model in jobs.job_models():
        assert set(jobs.JobStatus.values) <= set(model.Status.values)
        assert model.Status.QUEUED.label == "排队中" and model.Status.FAILED.label == "失败"
        assert model._meta.get_field("status").default in model.Status.values
    assert (ImportJob.Status.RUNNING.label, ExportJob.Status.RUNNING.label, SnapshotJob.Status.RUNNING.label) == (
        "导入中",
        "生成中",
        "计算中",
    )
    assert (ImportJob.Status.DONE.label, SnapshotJob.Status.REFUSED.label) == ("已导入", "已拒绝")


# -- claim, progress, finish, fail -------------------------------------------------------------------------


def test_two_claims_of_one_job_one_wins(world):
    job = export_job(world)
    first, second = ExportJob.objects.get(pk=job.pk), ExportJob.objects.get(pk=job.pk)  # two workers' copies
    with time_machine.travel(T0, tick=False):
        assert jobs.claim(first, message="正在生成") is True
    assert jobs.claim(second) is False
    job.refresh_from_db()
    assert (job.status, job.started_at, job.message, job.progress) == ("running", T0, "正在生成", 0)
    assert (first.status, second.status) == ("running", "queued")  # the loser's copy is left as it was
    # Nothing but a queued job can be claimed: finished, failed and an import's dry-run results are not.
    for status in ("done", "failed"):
        assert jobs.claim(export_job(world, status=status)) is False
    for status in ("validated", "invalid"):
        assert jobs.claim(import_job(world, status=status)) is False


def test_progress_finish_and_fail_set_the_fields(world):
    job = export_job(world)
    assert jobs.progress(job, 50) is False  # not running yet
    jobs.claim(job)
    assert jobs.progress(job, 140, message="已写入3/2条") is True
    assert ExportJob.objects.values_list("progress", "message").get(pk=job.pk) == (100, "已写入3/2条")  # at most 100
    jobs.progress(job, 40)
    with time_machine.travel(T0, tick=False):
        assert jobs.finish(job, message="已导出3条", row_count=3) is True
    job.refresh_from_db()
    assert (job.status, job.progress, job.finished_at, job.message, job.row_count) == ("done", 100, T0, "已导出3条", 3)
    # A finished job stays finished: a late finish, fail or progress changes nothing.
    assert jobs.finish(job, message="again") is False and jobs.fail(job, "late") is False
    assert jobs.progress(job, 10) is False
    job.refresh_from_db()
    assert (job.status, job.message, job.progress) == ("done", "已导出3条", 100)

    failing = export_job(world)
    jobs.claim(failing)
    jobs.progress(failing, 30)
    with time_machine.travel(T0, tick=False):
        assert jobs.fail(failing, "导出失败，请稍后重试。") is True
    failing.refresh_from_db()
    assert (failing.status, failing.message, failing.finished_at, failing.progress) == (
        "failed",
        "导出失败，请稍后重试。",
        T0,
        30,
    )
    assert failing.finished and not failing.given_up

    refused = snapshot_job(world)
    jobs.claim(refused, progress=5)
    jobs.finish(refused, status=SnapshotJob.Status.REFUSED, message="已锁定", progress=refused.progress)
    refused.refresh_from_db()
    assert (refused.status, refused.progress, refused.get_status_display()) == ("refused", 5, "已拒绝")


def test_an_error_in_the_work_fails_the_job_with_its_message_and_is_logged(world, caplog):
    job = export_job(world)
    jobs.claim(job)
    with caplog.at_level(logging.ERROR, logger="sanzero.jobs"), jobs.fail_on_error(job, "计算失败：{exc}"):
        raise ValueError("数据库连接中断")
    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", "计算失败：数据库连接中断")
    assert "sanzero.ExportJob" in caplog.text and "ValueError" in caplog.text


# -- a task delivered twice runs once ----------------------------------------------------------------------


def test_a_snapshot_task_delivered_twice_computes_once(world, monkeypatch):
    calls = []

    def compute_month(*, region, month, progress=None):
        calls.append((region.pk, month))
        progress(60)
        return SimpleNamespace(subjects=7, regions=4, seconds=0.2)

    monkeypatch.setattr(compute, "compute_month", compute_month)
    job = snapshot_job(world)
    assert dashboard_services.compute_snapshots_task.delay(job.pk).get() == "done"
    assert dashboard_services.compute_snapshots_task.delay(job.pk).get() == "done"
    assert calls == [(world.county.pk, datetime.date(2026, 3, 1))]
    job.refresh_from_db()
    assert (job.progress, job.message) == (100, "已计算7个主体、4个区划，用时0.2秒。")


def test_a_snapshot_job_that_breaks_says_so_and_a_locked_month_is_refused(world, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(compute, "compute_month", broken)
    job = snapshot_job(world)
    assert dashboard_services.compute_snapshots_task(job.pk) == "failed"  # logged, not raised into the worker
    job.refresh_from_db()
    assert job.message == "计算失败：磁盘已满" and job.finished_at is not None

    def locked(**kwargs):
        raise compute.MonthLocked("测试县 2026年03月已锁定。")

    monkeypatch.setattr(compute, "compute_month", locked)
    job = snapshot_job(world)
    assert dashboard_services.snapshot_run_job(job_id=job.pk).status == "refused"
    assert SnapshotJob.objects.get(pk=job.pk).message == "测试县 2026年03月已锁定。"


def test_an_export_task_delivered_twice_writes_one_file(world, media, monkeypatch):
    built = []
    real = export_services.list_view_for
    monkeypatch.setattr(export_services, "list_view_for", lambda *a: built.append(a) or real(*a))
    job = export_job(world)
    assert export_services.export_list_task.delay(job.pk).get() == "done"
    name = ExportJob.objects.get(pk=job.pk).file.name
    assert export_services.export_list_task.delay(job.pk).get() == "done"
    assert len(built) == 1 and ExportJob.objects.get(pk=job.pk).file.name == name
    assert [p.name for p in (media / "exports").rglob("*.xlsx")] == [name.rsplit("/", 1)[-1]]


def test_an_import_task_delivered_twice_runs_its_step_once(world, media, monkeypatch):
    runs = []

    def import_file(*, actor, kind, file, dry_run, progress=None, before_commit=None):
        runs.append(dry_run)
        return ImportResult(kind=kind, dry_run=dry_run, total=1, new=1)

    monkeypatch.setattr(import_jobs, "import_file", import_file)
    job = ImportJob(user=world.users["clerk_a"], kind="subjects", filename="名单.xlsx", status="queued")
    job.file.save("subjects.xlsx", ContentFile(b"x"))
    assert import_jobs.import_job_task.delay(job.pk, False).get() == "validated"
    assert import_jobs.import_job_task.delay(job.pk, False).get() == "validated"
    assert runs == [True]
    job.refresh_from_db()
    assert (job.new_rows, job.finished_at, job.started_at is not None) == (1, None, True)


# -- the sweeper -------------------------------------------------------------------------------------------


def test_the_sweeper_gives_up_stale_jobs_of_every_kind_and_leaves_fresh_and_finished_ones(world):
    makers = {"sanzero.ImportJob": import_job, "sanzero.ExportJob": export_job, "dashboards.SnapshotJob": snapshot_job}
    stale, fresh, finished = [], [], []
    with time_machine.travel(T0, tick=False) as clock:
        for make in makers.values():
            stale.append(make(world, status="queued"))  # its worker died before it started
            stale.append(make(world, status="running", progress=40, started_at=T0))  # … or while it ran
            stale.append(make(world, status="running", progress=10))  # an older row without started_at
            finished.append(make(world, status="done", progress=100, finished_at=T0))
            finished.append(make(world, status="failed", message="导出失败", finished_at=T0))
        for make in makers.values():
            # queued long ago, started only an hour before the sweep: its clock is started_at
            fresh.append(make(world, status="running", started_at=T0 + datetime.timedelta(hours=1, minutes=15)))
        finished.append(import_job(world, status="validated"))
        finished.append(import_job(world, status="invalid"))
        finished.append(snapshot_job(world, status="refused"))

        clock.move_to(T0 + jobs.STALE_AFTER - datetime.timedelta(minutes=1))
        assert give_up_stale_jobs_task() == dict.fromkeys(makers, 0)
        clock.move_to(T0 + jobs.STALE_AFTER + datetime.timedelta(minutes=10))
        fresh.append(import_job(world, status="queued"))  # just uploaded
        assert give_up_stale_jobs_task() == dict.fromkeys(makers, 3)
        assert give_up_stale_jobs_task() == dict.fromkeys(makers, 0)  # once is enough
        swept_at = T0 + jobs.STALE_AFTER + datetime.timedelta(minutes=10)

    for job in stale:
        before = job.progress
        job.refresh_from_db()
        assert (job.status, job.message, job.finished_at, job.progress) == (
            "failed",
            jobs.GIVEN_UP_MESSAGE,
            swept_at,
            before,
        )
        assert job.given_up and job.finished
    for job in fresh:
        status = job.status
        job.refresh_from_db()
        assert job.status == status and not job.given_up
    for job in finished:
        snapshot = (job.status, job.message, job.finished_at)
        job.refresh_from_db()
        assert (job.status, job.message, job.finished_at) == snapshot


def test_the_beat_schedule_has_one_sweeper_for_every_job_kind():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    sweepers = [name for name, entry in schedule.items() if entry["task"] == "sanzero.give_up_stale_jobs"]
    assert len(sweepers) == 1
    assert not {"sanzero.import_give_up_stale"} & {entry["task"] for entry in schedule.values()}
    # Often enough that a page shows 已停止响应 soon after the stale timeout.
    assert schedule[sweepers[0]]["schedule"].minute == set(range(0, 60, 10))
    celery_app.loader.import_default_modules()  # what a worker does: autodiscover every app's tasks
    assert {
        "sanzero.give_up_stale_jobs",
        "exporting.cleanup_exports",
        "sanzero.import_job",
        "exporting.export_list",
        "dashboards.compute_snapshots",
    } <= set(celery_app.tasks)


def test_the_export_cleanup_deletes_expired_files_and_leaves_stale_jobs_to_the_sweeper(world, media):
    job = export_services.export_job_run(job_id=export_job(world).pk)
    with time_machine.travel(job.expires_at + datetime.timedelta(minutes=1), tick=False):
        running = export_job(world, status="running", started_at=T0)
        assert cleanup_exports_task() == 1
    job.refresh_from_db()
    assert job.file.name == "" and job.status == "done"
    assert ExportJob.objects.get(pk=running.pk).status == "running"


# -- the pages ---------------------------------------------------------------------------------------------


def test_a_killed_snapshot_jobs_page_stops_polling_and_says_it_failed(world, client_as):
    with time_machine.travel(T0, tick=False) as clock:
        job = snapshot_job(world)
        jobs.claim(job, progress=5)
        jobs.progress(job, 40)
        client = client_as("county")
        clock.move_to(T0 + datetime.timedelta(minutes=20))
        jobs.progress(job, 40)  # 20 minutes on, its worker is alive: it beats (sanzero.jobs.heartbeat)
        page = client.get(f"/dashboard/jobs/{job.pk}/").content.decode()
        assert 'hx-trigger="every 1s"' in page and "计算中" in page and "40%" in page
        # … and then its worker was killed

        clock.move_to(T0 + jobs.STALE_AFTER + datetime.timedelta(minutes=10))
        give_up_stale_jobs_task()
        page = client.get(f"/dashboard/jobs/{job.pk}/").content.decode()
        partial = client.get(f"/dashboard/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    for html in (page, partial):
        assert "失败（已停止响应）" in html and "任务已中断" in html and "已有的快照未被改动" in html
        assert "hx-trigger" not in html and "hx-get" not in html
    assert "bg-danger" in page and "progress-bar-animated" not in page


def test_the_download_centre_shows_a_given_up_export_and_stops_polling(world, client_as):
    with time_machine.travel(T0, tick=False) as clock:
        job = export_job(world, status="running", started_at=T0, progress=20, message="已写入2000/9000条")
        client = client_as("county")
        assert 'hx-trigger="every 2s"' in client.get("/exports/").content.decode()
        clock.move_to(T0 + jobs.STALE_AFTER + datetime.timedelta(minutes=10))
        give_up_stale_jobs_task()
        page = client.get("/exports/").content.decode()
        assert client.get(f"/exports/{job.pk}/download/").status_code == 404
    assert "失败（已停止响应）" in page and f"{jobs.GIVEN_UP_MESSAGE}请回到列表重新导出。" in page
    assert "hx-trigger" not in page


# -- the migrations ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migrations_onto_the_job_base_keep_every_row_and_status(world):
    """sanzero 0006 and dashboards 0003 add columns and a check only: the rows of before, in every state
    each model had, are there after with their values, and the sweeper reads a running row without
    started_at by its created_at."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("sanzero", "0005_holidays"), ("dashboards", "0002_rules_per_region_ytd_overrides_department_months")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        clerk, county = world.users["clerk_a"].pk, world.users["county"].pk
        for status in ("validated", "invalid", "queued", "running", "done", "failed"):
            old.get_model("sanzero", "ImportJob").objects.create(
                user_id=clerk,
                kind="subjects",
                filename=f"{status}.xlsx",
                file="imports/x.xlsx",
                status=status,
                total_rows=3,
                new_rows=2,
                errors=[{"row": 2, "column": "主体名称", "message": "x", "level": "error"}],
                progress=40,
            )
        for status in ("queued", "running", "done", "failed"):
            old.get_model("sanzero", "ExportJob").objects.create(
                user_id=county,
                kind="units:subject_list",
                label=status,
                status=status,
                message=f"说明{status}",
                row_count=5,
                progress=60,
            )
        for status in ("queued", "running", "done", "failed", "refused"):
            old.get_model("dashboards", "SnapshotJob").objects.create(
                region_id=world.county.pk,
                month=datetime.date(2026, 3, 1),
                status=status,
                message=f"结果{status}",
                progress=70,
                requested_by_id=county,
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())  # 0006 and 0003, and every later migration

    assert {
        (j.filename, j.status, j.get_status_display(), j.new_rows, j.errors[0]["message"], j.progress, j.message)
        for j in ImportJob.objects.all()
    } == {(f"{s}.xlsx", s, label, 2, "x", 40, "") for s, label in ImportJob.Status.choices}
    assert {(j.label, j.status, j.message, j.row_count, j.started_at) for j in ExportJob.objects.all()} == {
        (s, s, f"说明{s}", 5, None) for s in ExportJob.Status.values
    }
    assert {(j.status, j.message, j.progress) for j in SnapshotJob.objects.all()} == {
        (s, f"结果{s}", 70) for s in SnapshotJob.Status.values
    }
    assert jobs.give_up_stale_jobs(older_than=datetime.timedelta(0)) == dict.fromkeys(
        ["sanzero.ImportJob", "sanzero.ExportJob", "dashboards.SnapshotJob"], 2
    )  # queued + running of each
