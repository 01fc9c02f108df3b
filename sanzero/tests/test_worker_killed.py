"""A real Celery worker killed (SIGKILL) in the middle of a big import: the job page says 已中断 and stops
polling within JOB_HEARTBEAT_STALE seconds, not when the two-hour sweeper comes round.

Needs Redis and PostgreSQL (the `worker` fixture of the root conftest.py): skipped on a bare machine, a
failure where SANZERO_REQUIRE_SERVICES names them.
"""

from __future__ import annotations

import time

import pytest
from django.core.files.base import ContentFile

from sanzero import jobs
from sanzero.importing import jobs as import_jobs
from sanzero.models import ImportJob
from sanzero.tests.helpers import SUBJECT_HEADERS, xlsx

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BEAT, STALE = 1, 4  # seconds, for the worker and for this process


@pytest.fixture
def fast_heartbeat(monkeypatch, settings):
    """Set before the worker starts (it reads them from its environment), and here for the page's check."""
    monkeypatch.setenv("JOB_HEARTBEAT_SECONDS", str(BEAT))
    monkeypatch.setenv("JOB_HEARTBEAT_STALE", str(STALE))
    settings.JOB_HEARTBEAT_SECONDS, settings.JOB_HEARTBEAT_STALE = BEAT, STALE
    yield
    # The killed worker's message stays unacknowledged in Redis; another worker would get it back after
    # the visibility timeout and run a job id of some later test database: forget it.
    if settings.REDIS_URL:  # (the worker fixture skipped the test without one)
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete("unacked", "unacked_index", "unacked_mutex")


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"waited {seconds} s for {what}")


def test_a_worker_killed_mid_import_leaves_a_job_page_that_says_so(world, client_as, fast_heartbeat, worker):
    rows = [SUBJECT_HEADERS] + [
        [f"后台单位{i:05d}", "企业", "990121100000", None, None, None, None, None, None, None] for i in range(12000)
    ]
    job = ImportJob(user=world.users["clerk_a"], kind="subjects", filename="大名单.xlsx", status="queued")
    job.total_rows = len(rows) - 1
    job.file.save("subjects-killed.xlsx", ContentFile(xlsx(rows)))
    import_jobs.import_job_task.delay(job.pk, False)  # the dry run, in the worker

    def beating():
        job.refresh_from_db()
        return job.status == "running" and job.heartbeat_at > job.started_at  # the thread beat at least once

    wait_for(beating, 60, "the worker to claim the import and its heartbeat to beat")
    client = client_as("clerk_a")
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "hx-trigger" in page  # a live job: its page polls

    worker.kill()  # SIGKILL: no cleanup, no failure recorded by the worker
    worker.wait(10)
    killed_at = time.monotonic()
    job.refresh_from_db()
    assert job.status == "running"  # nothing told the job

    def given_up():
        html = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"})
        return html if html.status_code == 204 else None  # finished: the partial asks for a full reload

    wait_for(given_up, STALE + 2 * BEAT + 5, "the job page to give the job up")
    seconds = time.monotonic() - killed_at
    page = client.get(f"/imports/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", jobs.GIVEN_UP_MESSAGE)
    assert "导入失败（已停止响应）" in page and "重新上传" in page and "hx-trigger" not in page
    assert seconds <= STALE + 2 * BEAT + 5
    from django.core.cache import cache

    cache.delete(import_jobs.progress_key(job.pk))  # the killed worker's last progress, kept for hours
    print(f"worker killed → job page says 已中断 after {seconds:.1f} s (heartbeat {BEAT} s, stale after {STALE} s)")
