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
排队中/进行中: while it runs, a worker touches the job's heartbeat every JOB_HEARTBEAT_SECONDS, and a
job page finding the heartbeat older than JOB_HEARTBEAT_STALE gives the job up at once
(:func:`give_up_if_stalled`); :func:`give_up_stale` (every few minutes from beat) does the same for
every job, and for queued ones no worker ever took. Their pages stop polling and say so.

The request sends the task with :func:`dispatch`: when the broker is down the job fails at once with
BROKER_DOWN_MESSAGE instead of a 500 or a hang.

This module imports Django only: the job models live in their apps and subclass :class:`BackgroundJob`.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading
from collections.abc import Callable, Iterator

from django.apps import apps
from django.conf import settings
from django.db import connections, models, transaction
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
#: what a job says whose task the broker did not take (Redis down): nothing ran, nothing was changed
BROKER_DOWN_MESSAGE = "后台任务服务暂时不可用，任务未能开始，未改动任何数据；请稍后重试。"


#: a job still queued after this is told to its page as waiting for the background service
QUEUED_LONG = datetime.timedelta(seconds=30)


def heartbeat_stale_after() -> datetime.timedelta:
    """A running job whose worker has not touched its heartbeat for this long lost its worker."""
    return datetime.timedelta(seconds=settings.JOB_HEARTBEAT_STALE)


class BackgroundJob(models.Model):
    """What every job row has. The job's own fields (its owner, file, counts…) stay on its model."""

    status = models.CharField("状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)  # percent, 0–100
    message = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    #: the worker running the job touches this every JOB_HEARTBEAT_SECONDS (claim, progress, a thread)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)

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

    @property
    def waiting_long(self) -> bool:
        """Queued for longer than QUEUED_LONG: no worker has taken it yet (busy, or not running)."""
        return self.status == JobStatus.QUEUED and self.created_at < timezone.now() - QUEUED_LONG

    @classmethod
    def waiting_q(cls) -> models.Q:
        """The running jobs that wait for queued work of their own (a job split into parts whose next part
        waits behind other work in the broker): no worker beats for them meanwhile, yet none was lost.
        A silent heartbeat gives such a job up only by the sweeper's age limit. None by default."""
        return models.Q(pk__in=[])

    @property
    def stalled(self) -> bool:
        """Running, but its worker's heartbeat stopped: the worker was killed (see give_up_if_stalled);
        not a job whose own parts still wait in the queue (waiting_q)."""
        return (
            self.status == JobStatus.RUNNING
            and self.heartbeat_at is not None
            and self.heartbeat_at < timezone.now() - heartbeat_stale_after()
            and not type(self)._default_manager.filter(self.waiting_q(), pk=self.pk).exists()
        )


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
    now = timezone.now()
    return _update(
        job,
        [JobStatus.QUEUED],
        **{"status": JobStatus.RUNNING, "started_at": now, "heartbeat_at": now, "progress": 0, **fields},
    )


def progress(job: BackgroundJob, pct: int, message: str | None = None) -> bool:
    """Report progress (0–100) of a running job; False when it is no longer running."""
    fields = {"progress": max(0, min(100, int(pct))), "heartbeat_at": timezone.now()}
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
    ``message`` (``{exc}`` is the exception's text); it is not raised further, the job page tells it.
    In a worker the job's heartbeat beats meanwhile (:func:`heartbeat`)."""
    try:
        with heartbeat(job):
            yield
    except Exception as exc:  # whatever broke, the job must not stay running
        logger.exception("%s %s failed", job._meta.label, job.pk)
        fail(job, message.format(exc=exc))


def _in_worker() -> bool:
    from celery import current_task

    return bool(current_task) and not current_task.request.is_eager


@contextlib.contextmanager
def heartbeat(job: BackgroundJob, seconds: float | None = None, *, force: bool = False) -> Iterator[None]:
    """While a worker runs the job, a thread of that process touches ``heartbeat_at`` every
    JOB_HEARTBEAT_SECONDS on its own connection (outside the work's transaction, which may hold an
    import's rows for minutes). When the process dies the beat stops, and the job page says 已中断
    within JOB_HEARTBEAT_STALE seconds (give_up_if_stalled). Only in a worker: a job run inline in a
    request or eagerly in a test is watched by the request itself (``force`` beats anyway)."""
    seconds = settings.JOB_HEARTBEAT_SECONDS if seconds is None else seconds
    if seconds <= 0 or not (force or _in_worker()):
        yield
        return
    stop = threading.Event()
    manager, pk = type(job)._default_manager, job.pk

    def beat() -> None:
        try:
            while not stop.wait(seconds):
                try:
                    manager.filter(pk=pk, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())
                except Exception:
                    logger.warning("heartbeat of %s %s failed", job._meta.label, pk, exc_info=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"heartbeat-{job._meta.label}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(seconds + 5)


def give_up_if_stalled(job: BackgroundJob) -> bool:
    """A job page's check before it renders: a running job whose heartbeat stopped is given up (failed
    with GIVEN_UP_MESSAGE) at once, so its page stops polling and offers to start again; the beat
    sweeper need not be running. One conditional UPDATE; True when this call gave it up."""
    if not job.stalled:
        return False
    before = timezone.now() - heartbeat_stale_after()
    given_up = (
        type(job)
        ._default_manager.filter(pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=before)
        .exclude(pk__in=type(job)._default_manager.filter(job.waiting_q()).values("pk"))
        .update(status=JobStatus.FAILED, finished_at=timezone.now(), message=GIVEN_UP_MESSAGE)
    )
    job.refresh_from_db()
    return bool(given_up)


def dispatch(job: BackgroundJob, task, *args, on_broker_down: Callable[[BackgroundJob], None] | None = None) -> None:
    """Send ``task(*args)`` for ``job`` once the current transaction commits. When the broker does not
    take it (Redis down: the settings bound that to about two seconds) nothing is raised into the
    request: the failure is logged and recorded on the job — by ``on_broker_down(job)``, or by failing
    it with BROKER_DOWN_MESSAGE — so its page says so at once instead of polling a job no one runs."""

    def send() -> None:
        if task.app.conf.task_always_eager:
            task.delay(*args)  # in-process (no REDIS_URL, and the tests)
            return
        try:
            task.apply_async(args=args, ignore_result=True)  # the job row is the result
        except Exception:
            logger.exception("could not send %s for %s %s", task.name, job._meta.label, job.pk)
            (on_broker_down or (lambda j: fail(j, BROKER_DOWN_MESSAGE)))(job)

    transaction.on_commit(send)


def give_up_stale(model: type[BackgroundJob], older_than: datetime.timedelta = STALE_AFTER) -> int:
    """Mark the jobs of ``model`` that a dead worker left queued or running as failed (GIVEN_UP_MESSAGE).

    A job's clock is ``started_at`` (when a worker claimed it) or, not yet started, ``created_at``.
    Finished jobs and fresh ones are left alone. Returns how many were given up."""
    now = timezone.now()
    before = now - older_than
    stale = models.Q(started_at__lt=before) | models.Q(started_at__isnull=True, created_at__lt=before)
    # a running job whose worker's heartbeat stopped is stale long before that, unless it waits for
    # its own queued parts (BackgroundJob.waiting_q)
    waiting = model._default_manager.filter(model.waiting_q()).values("pk")
    stale |= models.Q(status=JobStatus.RUNNING, heartbeat_at__lt=now - heartbeat_stale_after()) & ~models.Q(
        pk__in=waiting
    )
    return model._default_manager.filter(stale, status__in=UNFINISHED).update(
        status=JobStatus.FAILED, finished_at=now, message=GIVEN_UP_MESSAGE
    )


def task_options() -> dict:
    """The decorator arguments of every job task (``@shared_task(name=…, **jobs.task_options())``):
    acknowledged after it ran, so a worker killed mid-task leaves the message to be delivered again
    (reject_on_worker_lost) and that delivery finds the job claimed or given up and does nothing twice;
    a database that is briefly unreachable (a restart, a failover) is retried a bounded number of
    times with exponential backoff and jitter (settings.JOB_TASK_RETRY). Any other error is the job's
    own failure, recorded on it by fail_on_error, and is not retried."""
    from django.db import InterfaceError, OperationalError

    return {
        "acks_late": True,
        "reject_on_worker_lost": True,
        "autoretry_for": (OperationalError, InterfaceError),
        **settings.JOB_TASK_RETRY,
    }


def job_models() -> list[type[BackgroundJob]]:
    """Every installed job model (ImportJob, ExportJob, SnapshotJob, …)."""
    return [model for model in apps.get_models() if issubclass(model, BackgroundJob)]


def give_up_stale_jobs(older_than: datetime.timedelta = STALE_AFTER) -> dict[str, int]:
    """The sweeper: :func:`give_up_stale` for every job model; {model label: jobs given up}."""
    return {model._meta.label: give_up_stale(model, older_than) for model in job_models()}
