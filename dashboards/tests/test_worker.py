"""A real Celery worker: recompute through the web view, the worker computes, the snapshot is there.

Needs Redis (the broker) and PostgreSQL (a database the worker process can share with the test);
skipped on a bare machine, a failure in CI (SANZERO_REQUIRE_SERVICES).
"""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from dashboards.models import SnapshotJob, SubjectMonth
from hazards.models import Accident
from sanzero.testing import need

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROOT = Path(__file__).resolve().parents[2]


def redis_ok() -> bool:
    if not settings.REDIS_URL:
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture
def worker():
    need("redis", redis_ok(), "no Redis answers at REDIS_URL")
    need("worker", connection.vendor == "postgresql",
         "the worker process needs a shared database (PostgreSQL); SQLite's test database is in memory")
    db = connection.settings_dict
    url = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": settings.REDIS_URL, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    celery_app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail("the Celery worker exited:\n" + proc.stdout.read())
            try:
                if celery_app.control.ping(timeout=1.0):
                    break
            except Exception:  # noqa: BLE001 - broker not ready yet
                time.sleep(0.5)
        else:
            pytest.fail("the Celery worker did not answer a ping within 60 s")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_recompute_from_the_dashboard_runs_on_a_real_worker(world, client_as, worker):
    Accident.objects.create(subject=world.shop_a, occurred_on=datetime.date(2026, 3, 10), kind="火灾", injuries=1)
    client = client_as("county")
    response = client.post("/dashboard/recompute/", {"region": world.county.code, "month": "2026-03"})
    assert response.status_code == 302
    job = SnapshotJob.objects.get()
    assert response.headers["Location"] == f"/dashboard/jobs/{job.pk}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in ("done", "failed", "refused"):
            break
        time.sleep(0.5)
    assert job.status == "done", job.message
    assert job.progress == 100
    sm = SubjectMonth.objects.get(subject=world.shop_a, month=datetime.date(2026, 3, 1))
    assert sm.accident_ok is False and sm.passed is False
    assert SubjectMonth.objects.filter(month=datetime.date(2026, 3, 1)).count() == 7
    page = client.get(f"/dashboard/jobs/{job.pk}/")
    assert "已完成" in page.content.decode()


def test_the_worker_finds_every_job_task_and_the_sweeper(worker):
    registered = set().union(*celery_app.control.inspect(timeout=5).registered().values())
    assert {"sanzero.import_job", "exporting.export_list", "dashboards.compute_snapshots",
            "sanzero.give_up_stale_jobs", "exporting.cleanup_exports", "dashboards.compute_scheduled",
            "ledger.notify_overdue"} <= registered


def test_a_snapshot_task_delivered_twice_computes_once_on_a_real_worker(world, worker):
    from dashboards.services import compute_snapshots_task

    job = SnapshotJob.objects.create(region=world.county, month=datetime.date(2026, 3, 1))
    first, second = compute_snapshots_task.delay(job.pk), compute_snapshots_task.delay(job.pk)
    assert (first.get(timeout=60), second.get(timeout=60)) == ("done", "done")
    job.refresh_from_db()
    rows = SubjectMonth.objects.filter(month=datetime.date(2026, 3, 1))
    assert rows.count() == 7
    # One computation: every row has the same computed_at, before the job finished.
    assert len({row.computed_at for row in rows}) == 1 and rows[0].computed_at <= job.finished_at
    assert job.started_at <= rows[0].computed_at
