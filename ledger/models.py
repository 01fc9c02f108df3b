"""The abstract ledger entry (台账) every ledger app's model extends, and its scoped queryset.

A ledger app declares its model on `LedgerEntry` (its statuses, date field, deadlines), a `Workflow`
in its workflow.py (ledger.workflow) and its services on ledger.services.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from sanzero import workdays
from sanzero.roles import EDIT_ROLES, READ_ROLES
from sanzero.scoping import ScopedQuerySet


def ledger_permissions() -> dict[str, frozenset[str]]:
    return {"view": READ_ROLES, "add": EDIT_ROLES, "change": EDIT_ROLES}


class LedgerQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=self.model.OPEN_STATUSES)

    def overdue(self, today: datetime.date):
        return self.open().filter(due_on__lt=today)

    def due_soon(self, today: datetime.date, warn_days: int):
        return self.open().filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=warn_days))


class LedgerEntry(models.Model):
    """Abstract base of every ledger entry: belongs to a subject, has a status and a deadline."""

    scope_region_path = "subject__region"
    scope_department_path = "subject__department"
    #: statuses in which the entry is still being handled (counts for overdue)
    OPEN_STATUSES: tuple[str, ...] = ()
    #: the date that places the entry in a month (排查/登记/发生日期)
    DATE_FIELD = "found_on"
    #: URL prefix (DESIGN §7), e.g. "hazards"
    URL_PREFIX = ""
    #: status → Bootstrap badge class, declared beside the statuses in the app's choices.py
    STATUS_BADGES: dict[str, str] = {}

    subject = models.ForeignKey(
        "units.Subject", verbose_name="创建主体", on_delete=models.PROTECT, related_name="%(class)ss"
    )
    due_on = models.DateField("办理期限", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        abstract = True

    # --- deadlines -----------------------------------------------------------------------------
    #: the stored deadlines; recomputed together when a year's holidays change (sanzero.holidays)
    DEADLINE_FIELDS: tuple[str, ...] = ("due_on",)
    #: whether those deadlines count working days (工作日); only then do pages warn of a year whose
    #: holidays are unknown (calendar-day deadlines, 日, do not depend on them)
    WORKDAY_DEADLINES = False

    def compute_due_on(self, rules) -> datetime.date | None:
        """The date by which the current step must be done; None when nothing is pending."""
        return None

    @classmethod
    def deadline_context(cls) -> dict:
        """What recomputing many entries' deadlines needs loaded once (e.g. the mediation ladder)."""
        return {}

    def recomputed_deadlines(self, rules, context: dict) -> dict[str, datetime.date | None]:
        """Every field of DEADLINE_FIELDS computed afresh under the current calendar and rules."""
        return {"due_on": self.compute_due_on(rules)}

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def colour(self, today: datetime.date | None = None, warn_days: int = 3) -> str:
        today = today or timezone.localdate()
        return workdays.deadline_colour(self.due_on, today, done=not self.is_open, warn_days=warn_days)

    def days_overdue(self, today: datetime.date | None = None) -> int:
        if not self.is_open:
            return 0
        return workdays.days_overdue(self.due_on, today or timezone.localdate())

    @property
    def notice_department_id(self) -> int | None:
        """The department whose users a notice about this entry reaches (its subject's); None: no
        department user (a ledger overrides it, e.g. an accusation is kept from the accused department)."""
        return self.subject.department_id

    @property
    def status_badge_class(self) -> str:
        return self.STATUS_BADGES.get(self.status, "text-bg-light")

    @property
    def entry_date(self) -> datetime.date:
        return getattr(self, self.DATE_FIELD)
