"""Broker outages and dead workers (issue 13.5): with REDIS_URL at a closed port the site serves pages and
saves entries; what needs a task says at once that the background service is unavailable (no 500, no
hang: each response within BOUND seconds); a job whose worker was killed says 已中断 and stops polling
once its heartbeat is JOB_HEARTBEAT_STALE seconds old; the job tasks are acks-late with bounded retries.

No service is needed: the closed port is the point. (The real worker killed mid-import is in
test_worker_killed.py, which needs Redis and PostgreSQL.)
"""

from __future__ import annotations

import datetime
import threading
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.base import ContentFile

from config.celery import app as celery_app
from dashboards.models import SnapshotJob
from dashboards.services import compute_snapshots_task
from disputes import services as dispute_services
from disputes.models import Dispute
from sanzero import jobs
from sanzero.exporting.services import export_list_task
from sanzero.importing import jobs as import_jobs
from sanzero.models import ExportJob, ImportJob

CLOSED = "redis://127.0.0.1:6399/0"  # nothing listens there
BOUND = 3.0  # seconds: a page or an action answers within this, broker or not
SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 3, 16, 10, 0, tzinfo=SHANGHAI)


def _reset_celery_connections() -> None:
    """Forget the app's pools so the next send connects to the broker now configured. (Not closed:
    kombu keeps pools in a global registry per URL, and a closed one would be handed out again.)"""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._local.__dict__.pop("backend", None)


@pytest.fixture
def broker_down(settings):
    """The settings of production with Redis (broker, result backend and cache) at a closed port."""
    settings.REDIS_URL = CLOSED
    settings.CACHES = {
        "default": {
            "BACKEND": "sanzero.cache.TolerantRedisCache",
            "LOCATION": CLOSED,
            "KEY_PREFIX": "sanzero",
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 2.0},
        }
    }
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    conf.update(broker_url=CLOSED, result_backend=CLOSED, task_always_eager=False)
    _reset_celery_connections()
    yield
    conf.update(saved)
    _reset_celery_connections()


def timed(call):
    start = time.monotonic()
    response = call()
    elapsed = time.monotonic() - start
    assert elapsed < BOUND, f"answered in {elapsed:.2f} s"
    return response


def dispute_form(world) -> dict:
    return {
        "subject": world.shop_a.pk,
        "found_on": "2026-03-02",
        "category": "邻里纠纷",
        "source": "网格排查",
        "risk_colour": "蓝",
        "people_count": 2,
        "parties": "",
        "summary": "排水沟堵塞",
        "remarks": "",
    }


# --- the broker is down --------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_are_served_and_entries_saved_with_the_broker_down(world, client_as, broker_down):
    clerk = client_as("clerk_a")
    for url in ("/", "/disputes/", "/hazards/", "/petitions/", "/supervision/", "/imports/", "/exports/"):
        assert timed(lambda url=url: clerk.get(url)).status_code == 200, url
    response = timed(lambda: clerk.post("/disputes/new/", dispute_form(world)))
    assert response.status_code == 302
    assert Dispute.objects.filter(summary="排水沟堵塞").count() == 1
    assert timed(lambda: client_as("county").get("/dashboard/?month=2026-03")).status_code == 200
    health = timed(lambda: client_as("anonymous").get("/healthz"))
    assert (health.status_code, health.json()) == (503, {"database": "ok", "broker": "down"})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_recomputation_with_the_broker_down_says_so_and_offers_to_try_again(world, client_as, broker_down):
    county = client_as("county")
    # autocommit, as in production: the task is sent when the job row is committed, inside the request
    response = timed(lambda: county.post("/dashboard/recompute/", {"region": world.county.code, "month": "2026-03"}))
    job = SnapshotJob.objects.get()
    assert response.headers["Location"] == f"/dashboard/jobs/{job.pk}/"
    assert (job.status, job.message) == ("failed", jobs.BROKER_DOWN_MESSAGE)
    page = county.get(response.headers["Location"]).content.decode()
    assert jobs.BROKER_DOWN_MESSAGE in page and "后台任务服务暂时不可用" in page
    assert "hx-trigger" not in page  # nothing to poll: no one will run it
    assert 'action="/dashboard/recompute/"' in page and "重新计算</button>" in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_background_export_with_the_broker_down_says_so(world, client_as, broker_down, settings):
    settings.EXPORT_SYNC_ROW_LIMIT = 1
    for n in range(2):
        dispute_services.dispute_create(
            actor=world.users["clerk_a"],
            data={
                "subject": world.shop_a,
                "found_on": datetime.date(2026, 3, 2),
                "category": "邻里纠纷",
                "summary": f"纠纷{n}",
            },
        )
    clerk = client_as("clerk_a")
    response = timed(lambda: clerk.get("/disputes/?export=xlsx"))
    assert response.status_code == 302 and response.headers["Location"] == "/exports/"
    job = ExportJob.objects.get()
    assert (job.status, job.message) == ("failed", jobs.BROKER_DOWN_MESSAGE)
    page = clerk.get("/exports/").content.decode()
    assert "需后台导出，但后台任务服务暂时不可用" in page and "hx-trigger" not in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_with_the_broker_down_says_so_and_a_confirmation_can_be_sent_again(
    world, client_as, broker_down, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    big = import_jobs.ASYNC_ROW_THRESHOLD + 1

    def job(status):
        j = ImportJob(
            user=world.users["clerk_a"], kind="subjects", filename="大名单.xlsx", status=status, total_rows=big
        )
        j.file.save("subjects.xlsx", ContentFile(b"x"))
        return j

    dry = job("queued")
    timed(lambda: import_jobs.job_validate(dry))
    dry.refresh_from_db()
    assert (dry.status, dry.message) == ("failed", jobs.BROKER_DOWN_MESSAGE)
    assert "未写入任何数据" in client_as("clerk_a").get(f"/imports/{dry.pk}/").content.decode()

    confirmed = job("validated")
    clerk = client_as("clerk_a")
    timed(lambda: clerk.post(f"/imports/{confirmed.pk}/confirm/"))
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.message) == ("validated", import_jobs.CONFIRM_NOT_SENT)
    page = clerk.get(f"/imports/{confirmed.pk}/").content.decode()
    assert import_jobs.CONFIRM_NOT_SENT in page and "确认导入" in page  # the flash, and the button again


@pytest.mark.django_db
def test_the_import_page_of_a_running_job_needs_no_cache(world, client_as, broker_down):
    running = ImportJob.objects.create(
        user=world.users["clerk_a"], kind="subjects", filename="x.xlsx", file="imports/x.xlsx", status="running"
    )
    jobs.progress(running, 30)
    response = timed(lambda: client_as("clerk_a").get(f"/imports/{running.pk}/"))
    assert response.status_code == 200 and "30%" in response.content.decode()


# --- a worker killed mid-task: the heartbeat stops ------------------------------------------------


@pytest.mark.django_db
def test_a_job_whose_heartbeat_stopped_says_interrupted_and_stops_polling(world, client_as):
    stale = datetime.timedelta(seconds=django_settings.JOB_HEARTBEAT_STALE)
    county = client_as("county")
    with time_machine.travel(T0, tick=False) as clock:
        job = SnapshotJob.objects.create(
            region=world.county, month=datetime.date(2026, 3, 1), requested_by=world.users["county"]
        )
        jobs.claim(job, progress=5)
        jobs.progress(job, 40)  # … and then its worker was killed
        clock.move_to(T0 + stale - datetime.timedelta(seconds=5))
        page = county.get(f"/dashboard/jobs/{job.pk}/").content.decode()
        assert 'hx-trigger="every 1s"' in page and "40%" in page  # a heartbeat that recent: still running

        clock.move_to(T0 + stale + datetime.timedelta(seconds=1))  # minutes, not the sweeper's two hours
        partial = county.get(f"/dashboard/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    job.refresh_from_db()
    assert (job.status, job.message, job.given_up) == ("failed", jobs.GIVEN_UP_MESSAGE, True)
    assert "失败（已停止响应）" in partial and "任务已中断" in partial and "hx-trigger" not in partial
    assert "重新计算</button>" in partial
    assert "重新计算</button>" not in client_as("dept_edu").get(f"/dashboard/jobs/{job.pk}/").content.decode()


@pytest.mark.django_db
def test_an_import_and_an_export_whose_heartbeat_stopped_say_so(world, client_as):
    stale = datetime.timedelta(seconds=django_settings.JOB_HEARTBEAT_STALE)
    with time_machine.travel(T0, tick=False) as clock:
        imp = ImportJob.objects.create(
            user=world.users["clerk_a"],
            kind="subjects",
            filename="x.xlsx",
            file="imports/x.xlsx",
            total_rows=5000,
            status="queued",
        )
        exp = ExportJob.objects.create(user=world.users["clerk_a"], kind="units:subject_list", label="创建主体（全部）")
        jobs.claim(imp)
        jobs.claim(exp)
        clock.move_to(T0 + stale + datetime.timedelta(seconds=1))
        clerk = client_as("clerk_a")
        imp_page = clerk.get(f"/imports/{imp.pk}/").content.decode()
        exp_page = clerk.get("/exports/").content.decode()
    assert "导入失败（已停止响应）" in imp_page and "重新上传" in imp_page
    assert "失败（已停止响应）" in exp_page and "请回到列表重新导出" in exp_page and "hx-trigger" not in exp_page
    assert jobs.give_up_stale_jobs() == dict.fromkeys(
        ["sanzero.ImportJob", "sanzero.ExportJob", "dashboards.SnapshotJob"], 0
    )


@pytest.mark.django_db
def test_the_sweeper_gives_up_a_running_job_by_its_heartbeat(world):
    with time_machine.travel(T0, tick=False) as clock:
        job = ExportJob.objects.create(user=world.users["county"], kind="units:subject_list", label="x")
        jobs.claim(job)
        clock.move_to(T0 + datetime.timedelta(seconds=django_settings.JOB_HEARTBEAT_STALE - 1))
        assert jobs.give_up_stale(ExportJob) == 0
        jobs.progress(job, 50)  # a beat
        clock.move_to(T0 + datetime.timedelta(seconds=2 * django_settings.JOB_HEARTBEAT_STALE))
        assert jobs.give_up_stale(ExportJob) == 1
    assert ExportJob.objects.get(pk=job.pk).given_up


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_heartbeat_thread_beats_while_the_work_runs_and_stops_with_it(world):
    job = ExportJob.objects.create(user=world.users["county"], kind="units:subject_list", label="x")
    jobs.claim(job)
    claimed_at = ExportJob.objects.get(pk=job.pk).heartbeat_at
    with jobs.heartbeat(job, 0.05, force=True):
        time.sleep(0.4)
        beats = ExportJob.objects.get(pk=job.pk).heartbeat_at
    assert beats > claimed_at
    assert not [t for t in threading.enumerate() if t.name.startswith("heartbeat-")]  # stopped with the work
    last = ExportJob.objects.get(pk=job.pk).heartbeat_at
    time.sleep(0.2)
    assert ExportJob.objects.get(pk=job.pk).heartbeat_at == last


# --- the task options --------------------------------------------------------------------------------


def test_job_tasks_are_acks_late_with_bounded_retries_and_backoff():
    from django.db import OperationalError

    for task in (compute_snapshots_task, export_list_task, import_jobs.import_job_task):
        assert task.acks_late is True and task.reject_on_worker_lost is True, task.name
        assert task.max_retries == 3 and task.retry_backoff == 5 and task.retry_backoff_max == 120, task.name
        assert task.retry_jitter is True and OperationalError in task.autoretry_for, task.name
    assert django_settings.CELERY_TASK_ACKS_LATE and django_settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert django_settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    # sending a task gives up within the bound: connect timeouts and the publish retries' waits
    policy = django_settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    waits = sum(
        min(policy["interval_start"] + i * policy["interval_step"], policy["interval_max"])
        for i in range(policy["max_retries"])
    )
    connects = (policy["max_retries"] + 1) * django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"]
    assert waits + connects <= BOUND
    assert celery_app.conf.broker_connection_timeout <= 1.0
    assert celery_app.conf.result_backend_transport_options["retry_policy"]["max_retries"] <= 1


@pytest.mark.django_db
def test_a_retried_job_task_does_not_run_its_work_twice(world, monkeypatch):
    """A delivery after the work ran (a redelivery, a retry) finds the job claimed and does nothing."""
    from types import SimpleNamespace

    from dashboards import compute

    calls = []
    monkeypatch.setattr(
        compute, "compute_month", lambda **kw: calls.append(1) or SimpleNamespace(subjects=1, regions=1, seconds=0.1)
    )
    job = SnapshotJob.objects.create(region=world.county, month=datetime.date(2026, 3, 1))
    for _ in range(3):
        compute_snapshots_task.apply(args=(job.pk,))
    assert calls == [1] and SnapshotJob.objects.get(pk=job.pk).status == "done"


@pytest.mark.django_db
def test_a_job_no_worker_has_taken_says_it_is_waiting_for_the_background_service(world, client_as):
    with time_machine.travel(T0, tick=False) as clock:
        job = SnapshotJob.objects.create(region=world.county, month=datetime.date(2026, 3, 1))
        county = client_as("county")
        assert "服务恢复后将自动开始" not in county.get(f"/dashboard/jobs/{job.pk}/").content.decode()
        clock.move_to(T0 + jobs.QUEUED_LONG + datetime.timedelta(seconds=1))
        page = county.get(f"/dashboard/jobs/{job.pk}/").content.decode()
    assert "任务已排队，后台处理服务尚未开始处理" in page and 'hx-trigger="every 1s"' in page  # still waiting


@pytest.mark.django_db
def test_create_form_tokens_are_forgotten_after_a_day(world, client_as):
    from sanzero.models import FormSubmission
    from sanzero.tasks import cleanup_form_submissions_task

    clerk = client_as("clerk_a")
    with time_machine.travel(T0, tick=False) as clock:
        token = clerk.get("/disputes/new/").context["form_token"]
        assert clerk.post("/disputes/new/", {**dispute_form(world), "form_token": token}).status_code == 302
        assert FormSubmission.objects.filter(token=token, user=world.users["clerk_a"]).exists()
        clock.move_to(T0 + datetime.timedelta(hours=23))
        assert cleanup_form_submissions_task() == 0
        clock.move_to(T0 + datetime.timedelta(hours=25))
        assert cleanup_form_submissions_task() == 1
    assert not FormSubmission.objects.exists() and Dispute.objects.filter(summary="排水沟堵塞").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "x" * 5000, "'; DROP TABLE x;--", "\x00" * 32, "G" * 32, "../" * 11])
def test_a_hostile_form_token_is_no_token_and_never_a_500(world, client_as, token):
    from sanzero.models import FormSubmission

    response = client_as("clerk_a").post("/disputes/new/", {**dispute_form(world), "form_token": token})
    assert response.status_code == 302 and Dispute.objects.filter(summary="排水沟堵塞").count() == 1
    assert not FormSubmission.objects.exists()
