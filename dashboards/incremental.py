"""Incremental snapshots (issue 11 point 3): an edit moves the dashboard within a second.

Every write that changes what a subject's months are computed from sends
``sanzero.signals.subject_days_changed`` with (subject, day): an entry of any ledger the snapshots read
created, edited or moved along its workflow (信访, 事故, 案件 for the verdicts; 矛盾纠纷, 安全隐患, 信访
for the 台账数据), or a moved 纳入日期. `collect` gathers the (subject, month) pairs of one transaction
and, once it commits, sends one `refresh_subjects_task`, which

- recomputes only those subjects' computed months from the changed month to the end of that year
  (compute.refresh_subject_year: each row by its own rule version and overrides; the verdict counts
  of the subject's regions and their ancestors move by the difference);
- recounts the 台账数据 of the subject's own region (and of the region its months froze it in, when it
  moved) for every computed month from the changed one on, and moves the ancestors' by the difference
  (compute.refresh_statistics): one small statement per ledger and month, never the whole city.

A locked month is left alone; the edit is listed among the month's later changes
(dashboards.selectors.late_changes). A full recomputation gives the same rows (tests/test_incremental.py).

Not covered (a full recomputation, nightly or from the dashboard, brings them in): subjects joining
or leaving a computed month's denominator (a new subject, a 退出).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from celery import shared_task
from django.db import transaction

from . import compute

log = logging.getLogger(__name__)


@dataclass
class _Pending:
    """The pairs one transaction collected, sent by its on-commit callback."""

    months: dict[tuple[int, int], datetime.date] = field(default_factory=dict)  # (subject, year) → first month
    sent: bool = False

    def add(self, subject_id: int, day: datetime.date) -> None:
        month = day.replace(day=1)
        key = (subject_id, month.year)
        self.months[key] = min(month, self.months.get(key, month))

    def send(self) -> None:
        self.sent = True
        pairs = [[sid, month.isoformat()] for (sid, _), month in sorted(self.months.items())]
        if pairs:
            try:  # the broker's connect/publish timeouts (settings) bound this when Redis is down
                refresh_subjects_task.apply_async(args=[pairs], ignore_result=True)
            except Exception:  # the edit is saved; the nightly recomputation brings the month in
                log.exception("incremental snapshot refresh could not be queued for %d subjects", len(pairs))


def _watched_models() -> set[type]:
    """The models whose writes move a snapshot: the zeros' ledgers, the statistics' ledgers, subjects."""
    from units.models import Subject

    from . import statistics

    return {model for _, model, *_ in compute._ledgers()} | {b.model for b in statistics.blocks()} | {Subject}


def collect(sender, changes, **kwargs) -> None:
    """Receiver of subject_days_changed: add the pairs to this transaction's pending refresh."""
    if sender not in _watched_models():
        return
    changes = [(sid, day) for sid, day in changes if sid and day]
    if not changes:
        return
    connection = transaction.get_connection()
    pending = getattr(connection, "_sanzero_pending_refresh", None)
    # a pending set that was sent, or whose callback is gone (its transaction or savepoint rolled back), is stale
    fresh = pending is None or pending.sent or not any(func == pending.send for _, func, _ in connection.run_on_commit)
    if fresh:
        pending = connection._sanzero_pending_refresh = _Pending()
    for sid, day in changes:
        pending.add(sid, day)
    if fresh:
        transaction.on_commit(pending.send)  # after the adds: outside a transaction this runs at once


@dataclass
class RefreshSummary:
    subjects: int = 0
    months: int = 0
    locked: list[str] = field(default_factory=list)


def refresh_subjects(pairs: list[tuple[int, datetime.date]]) -> RefreshSummary:
    """Recompute each subject's months from its month to the end of that year, and its regions'
    台账数据 from its earliest month on; locked months stay."""
    from units.models import Subject

    from .models import SubjectMonth

    summary = RefreshSummary()
    earliest: dict[int, datetime.date] = {}
    for subject_id, month in pairs:
        refresh = compute.refresh_subject_year(subject_id=subject_id, from_month=month)
        summary.subjects += 1
        summary.months += len(refresh.updated)
        summary.locked += [f"{subject_id}:{m:%Y-%m}" for m in refresh.locked]
        earliest[subject_id] = min(month, earliest.get(subject_id, month))
    if earliest:
        # one recount for all the regions of the batch, deepest first (compute.refresh_statistics)
        first = min(earliest.values()).replace(day=1)
        regions = set(Subject.objects.filter(pk__in=earliest).values_list("region_id", flat=True))
        frozen = SubjectMonth.objects.filter(subject_id__in=earliest, month__gte=first)
        regions |= set(frozen.values_list("region_id", flat=True))
        refresh = compute.refresh_statistics(region_ids=regions, from_month=first)
        summary.locked += [f"statistics:{m:%Y-%m}" for m in refresh.locked]
    return summary


@shared_task(name="dashboards.refresh_subjects", acks_late=True, max_retries=3, default_retry_delay=10)
def refresh_subjects_task(pairs: list[list]) -> str:
    """Idempotent: running it twice recomputes the same rows from the same entries."""
    summary = refresh_subjects([(int(sid), datetime.date.fromisoformat(month)) for sid, month in pairs])
    return f"{summary.subjects} subjects, {summary.months} months, {len(summary.locked)} locked"
