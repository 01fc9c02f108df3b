"""督办: every open entry of every ledger that is overdue or nearly due, and overdue notifications.

Ledger apps register their models here (`register_supervised`). Reads are one query per ledger,
whatever the number of rows; the daily Celery task records newly overdue entries once each.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from sanzero.models import DeadlineSettings, Notification

SUPERVISED: list[type] = []
#: panel(user) -> {"title": ..., "items": [(label, count), ...]} or None, shown above the 督办 list
SUPERVISION_PANELS: list = []


def register_supervised(model) -> None:
    if model not in SUPERVISED:
        SUPERVISED.append(model)


def register_supervision_panel(func) -> None:
    """A ledger adds its own figures to the 督办 page (e.g. petitions: open 代办 per level)."""
    if func not in SUPERVISION_PANELS:
        SUPERVISION_PANELS.append(func)


def supervision_panels(user) -> list[dict]:
    return [p for p in (func(user) for func in SUPERVISION_PANELS) if p]


@dataclass
class SupervisedItem:
    entry: object
    kind: str
    colour: str
    days_overdue: int
    days_left: int

    @property
    def township(self):
        region = self.entry.subject.region
        return region.parent if region.parent_id and region.level != "township" else region


def supervision_items(
    *, user, today: datetime.date | None = None, kind: str = "", colour: str = "", region=None
) -> list[SupervisedItem]:
    today = today or timezone.localdate()
    warn_days = DeadlineSettings.current().warn_days
    items: list[SupervisedItem] = []
    for model in SUPERVISED:
        label = model._meta.label_lower
        if kind and kind != label:
            continue
        qs = model.objects.for_user(user).open().filter(due_on__lte=today + datetime.timedelta(days=warn_days))
        if colour == "red":
            qs = qs.filter(due_on__lt=today)
        elif colour == "yellow":
            qs = qs.filter(due_on__gte=today)
        if region is not None:
            qs = qs.filter(subject__region__code__startswith=region.prefix)
        for entry in qs.select_related("subject", "subject__region", "subject__region__parent"):
            items.append(
                SupervisedItem(
                    entry,
                    str(model._meta.verbose_name),
                    entry.colour(today, warn_days),
                    entry.days_overdue(today),
                    (entry.due_on - today).days,
                )
            )
    return items


SORTS = {
    "-days": lambda i: (-i.days_overdue, i.days_left),
    "days": lambda i: (i.days_overdue, -i.days_left),
    "due": lambda i: (i.entry.due_on, i.kind),
    "subject": lambda i: (i.entry.subject.name, i.entry.due_on),
}


def sort_items(items: list[SupervisedItem], sort: str) -> list[SupervisedItem]:
    return sorted(items, key=SORTS.get(sort, SORTS["-days"]))


def township_of(code: str) -> str:
    return code[:9] + "000"


@transaction.atomic
def notify_newly_overdue(*, today: datetime.date | None = None) -> int:
    """One in-app notification per newly overdue entry, for its township. Safe to run twice."""
    from units.models import Region

    today = today or timezone.localdate()
    townships = {r.code: r for r in Region.objects.filter(level="township")}
    notes = []
    for model in SUPERVISED:
        label = model._meta.label_lower
        for entry in model.objects.open().filter(due_on__lt=today).select_related("subject", "subject__region"):
            township = townships.get(township_of(entry.subject.region.code))
            if township is None:
                continue
            notes.append(
                Notification(
                    region=township,
                    kind="overdue",
                    object_label=label,
                    object_id=str(entry.pk),
                    dedupe_key=f"overdue:{label}:{entry.pk}:{entry.due_on:%Y%m%d}",
                    department_id=entry.notice_department_id,
                    message=f"{model._meta.verbose_name}已超期：{entry.subject.name}（期限 {entry.due_on:%Y-%m-%d}）",
                    url=entry.get_absolute_url(),
                )
            )
    before = Notification.objects.count()
    Notification.objects.bulk_create(notes, batch_size=500, ignore_conflicts=True)
    return Notification.objects.count() - before
