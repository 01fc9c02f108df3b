"""刑事/治安案件 (police cases): 侦办中 → 已破案 → 已结案, and the default 零案件 rule (DESIGN §5)."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ledger.models import LedgerEntry, LedgerQuerySet

from .choices import CASE_STATUS_BADGES, CaseKind, CaseStatus

# DESIGN §5 default: a 刑事 case, or a 治安 case of major influence, fails 零案件 for its subject.
BREAKS_ZERO_CASE = Q(kind=CaseKind.CRIMINAL) | Q(kind=CaseKind.PUBLIC_SECURITY, major_influence=True)


class PoliceCaseQuerySet(LedgerQuerySet):
    def breaking_zero_case(self, value: bool = True):
        """Cases that fail (value=True) or do not fail (False) 零案件 under the default rule."""
        return self.filter(BREAKS_ZERO_CASE) if value else self.exclude(BREAKS_ZERO_CASE)


class PoliceCase(LedgerEntry):
    OPEN_STATUSES = (CaseStatus.INVESTIGATING, CaseStatus.SOLVED)
    STATUS_BADGES = CASE_STATUS_BADGES
    DATE_FIELD = "occurred_on"
    URL_PREFIX = "cases"

    occurred_on = models.DateField("发案日期")
    kind = models.CharField("案件类别", max_length=4, choices=CaseKind.choices)
    major_influence = models.BooleanField(
        "是否有重大影响",
        default=False,
        help_text="仅治安案件填写：有重大影响的治安案件计入零案件；刑事案件一律计入零案件。",
    )
    case_no = models.CharField(
        "案件编号",
        max_length=50,
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": "该案件编号已被登记，请核对。"},
        help_text="公安机关的案件编号；可不填，填写则不能重复。",
    )
    cause = models.CharField("案由", max_length=100, blank=True)
    summary = models.TextField("简要案情", max_length=2000, blank=True)
    unit = models.CharField("办案单位", max_length=100, blank=True, help_text="例如：青石县公安局青石派出所")
    status = models.CharField("状态", max_length=4, choices=CaseStatus.choices, default=CaseStatus.INVESTIGATING)
    solved_on = models.DateField("破案日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    objects = PoliceCaseQuerySet.as_manager()

    class Meta:
        verbose_name = "刑事/治安案件"
        verbose_name_plural = "刑事/治安案件台账"
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=CaseKind.CRIMINAL) | Q(major_influence=False),
                name="policecase_major_only_public_security",
                violation_error_message="“是否有重大影响”仅适用于治安案件。",
            ),
            models.CheckConstraint(
                condition=Q(solved_on__isnull=True) | Q(solved_on__gte=F("occurred_on")),
                name="policecase_solved_after_occurred",
                violation_error_message="破案日期不能早于发案日期。",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("occurred_on")),
                name="policecase_closed_after_occurred",
                violation_error_message="结案日期不能早于发案日期。",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(solved_on__isnull=True) | Q(closed_on__gte=F("solved_on")),
                name="policecase_closed_after_solved",
                violation_error_message="结案日期不能早于破案日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.SOLVED) | Q(solved_on__isnull=False),
                name="policecase_solved_has_date",
                violation_error_message="已破案的案件须有破案日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.CLOSED) | Q(closed_on__isnull=False),
                name="policecase_closed_has_date",
                violation_error_message="已结案的案件须有结案日期。",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "occurred_on"], name="policecase_subject_occurred"),
            models.Index(fields=["occurred_on"], name="policecase_occurred"),
            # kind first: serves the 案件类别 filter and the 零案件 predicate (kind, major_influence)
            models.Index(fields=["kind", "major_influence"], name="policecase_kind_major"),
        ]

    def __str__(self) -> str:
        return f"{self.subject.name}·{self.get_kind_display()}案件（{self.occurred_on:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.pk])

    def compute_due_on(self, rules) -> datetime.date | None:
        return None  # cases have no handling deadline in the campaign (like accidents)

    @property
    def is_criminal(self) -> bool:
        return self.kind == CaseKind.CRIMINAL

    @property
    def breaks_zero_case(self) -> bool:
        """DESIGN §5 default rule: 刑事, or 治安 of major influence, fails 零案件."""
        return self.kind == CaseKind.CRIMINAL or (self.kind == CaseKind.PUBLIC_SECURITY and self.major_influence)
