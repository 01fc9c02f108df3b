"""Background jobs (imports, exports, snapshot computations): one model base and one lifecycle.

A request creates a job row (排队中) and sends its task on commit (``transaction.on_commit``). The task
takes the job's id and its body is always the same four steps::

    job = MyJob.objects.get(pk=job_id)
    if not jobs.claim(job):                 # another worker has it, or it is finished: do nothing
        return job
    with jobs.fail_on_error(job, "导出失败：{exc}"):
        ...work, calling jobs.progress(job, pct)...
        jobs.finish(job, message="已导出12条", row_count=12)
    return job

Every write is a conditional UPDATE on the job's status, so a task delivered twice (``acks_late``)
runs once, and a job given up by the sweeper stays given up. A worker that dies leaves its job
排队中/进行中; :func:`give_up_stale` (every few minutes from beat) marks such jobs failed, so their
pages stop polling and say so.

This module imports Django only: the job models live in their apps and subclass :class:`BackgroundJob`.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Iterator

from django.apps import apps
from django.db import models
from django.utils import timezone

logger = logging.getLogger("sanzero.jobs")


class JobStatus(models.TextChoices):
    """The states every job has. A job model declares its own ``Status`` with these four values
    (under its own words: 导入中, 生成中, 计算中…) and may add finished states of its own."""

    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING)

#: a job queued or running for longer than this has no worker any more: Celery kills a task at its hard
#: time limit (CELERY_TASK_TIME_LIMIT, 35 minutes), and Redis hands the message of a worker that died to
#: another one after its visibility timeout (1 hour)
STALE_AFTER = datetime.timedelta(hours=2)
#: what a job given up says; each job page adds what to do next (重新上传, 重新导出, 重新计算)
GIVEN_UP_MESSAGE = "任务已中断（处理进程已停止）。"


class BackgroundJob(models.Model):
    """What every job row has. The job's own fields (its owner, file, counts…) stay on its model."""

    status = models.CharField("状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)  # percent, 0–100
    message = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="%(app_label)s_%(class)s_progress_0_100"
            ),
        ]

    @property
    def finished(self) -> bool:
        """Nothing will change it any more: its page stops polling."""
        return self.status not in UNFINISHED

    @property
    def given_up(self) -> bool:
        """Failed because its worker stopped (:func:`give_up_stale`): the page says 已停止响应."""
        return self.status == JobStatus.FAILED and self.message == GIVEN_UP_MESSAGE


def _update(job: BackgroundJob, statuses, **fields) -> bool:
    """UPDATE the job's row if it is still in one of ``statuses``; on success the instance has the fields too."""
    if not type(job)._default_manager.filter(pk=job.pk, status__in=statuses).update(**fields):
        return False
    for name, value in fields.items():
        setattr(job, name, value)
    return True


def claim(job: BackgroundJob, **fields) -> bool:
    """排队中 → running, atomically. False when the job is not queued (another worker claimed it, it is
    finished, or it was given up): the caller then does nothing. ``fields``: e.g. a first message or progress."""
    return _update(
        job, [JobStatus.QUEUED], **{"status": JobStatus.RUNNING, "started_at": timezone.now(), "progress": 0, **fields}
    )


def progress(job: BackgroundJob, pct: int, message: str | None = None) -> bool:
    """Report progress (0–100) of a running job; False when it is no longer running."""
    fields = {"progress": max(0, min(100, int(pct)))}
    if message is not None:
        fields["message"] = message[:500]
    return _update(job, [JobStatus.RUNNING], **fields)


def finish(job: BackgroundJob, *, message: str = "", **fields) -> bool:
    """A running job is done (100%, finished now). ``fields`` are the job's own results, or override the
    defaults: ``status=`` one of the model's other end states (已拒绝, 校验未通过…), ``finished_at=``.
    False when the job is no longer running (given up meanwhile, or finished by an earlier delivery)."""
    return _update(
        job,
        [JobStatus.RUNNING],
        **{
            "status": JobStatus.DONE,
            "progress": 100,
            "finished_at": timezone.now(),
            "message": message[:500],
            **fields,
        },
    )


def fail(job: BackgroundJob, message: str) -> bool:
    """A queued or running job failed; ``message`` is what its page shows."""
    return _update(job, UNFINISHED, status=JobStatus.FAILED, finished_at=timezone.now(), message=message[:500])


@contextlib.contextmanager
def fail_on_error(job: BackgroundJob, message: str = "{exc}") -> Iterator[None]:
    """The work of a claimed job: an exception is logged with its traceback and fails the job with
    ``message`` (``{exc}`` is the exception's text); it is not raised further, the job page tells it."""
    try:
        yield
    except Exception as exc:  # whatever broke, the job must not stay running
        logger.exception("%s %s failed", job._meta.label, job.pk)
        fail(job, message.format(exc=exc))


def give_up_stale(model: type[BackgroundJob], older_than: datetime.timedelta = STALE_AFTER) -> int:
    """Mark the jobs of ``model`` that a dead worker left queued or running as failed (GIVEN_UP_MESSAGE).

    A job's clock is ``started_at`` (when a worker claimed it) or, not yet started, ``created_at``.
    Finished jobs and fresh ones are left alone. Returns how many were given up."""
    now = timezone.now()
    before = now - older_than
    stale = models.Q(started_at__lt=before) | models.Q(started_at__isnull=True, created_at__lt=before)
    return model._default_manager.filter(stale, status__in=UNFINISHED).update(
        status=JobStatus.FAILED, finished_at=now, message=GIVEN_UP_MESSAGE
    )


def job_models() -> list[type[BackgroundJob]]:
    """Every installed job model (ImportJob, ExportJob, SnapshotJob, …)."""
    return [model for model in apps.get_models() if issubclass(model, BackgroundJob)]


def give_up_stale_jobs(older_than: datetime.timedelta = STALE_AFTER) -> dict[str, int]:
    """The sweeper: :func:`give_up_stale` for every job model; {model label: jobs given up}."""
    return {model._meta.label: give_up_stale(model, older_than) for model in job_models()}
