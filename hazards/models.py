"""安全隐患 (hazards: rectify → accept → close) and 事故 (accidents, graded by national thresholds)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ledger.models import LedgerEntry
from sanzero import workdays

from .choices import (
    ACCIDENT_STATUS_BADGES,
    HAZARD_STATUS_BADGES,
    AccidentGrade,
    AccidentKind,
    AccidentStatus,
    HazardCategory,
    HazardLevel,
    HazardStatus,
)

PLAN_FIELDS = ("plan_responsibility", "plan_measures", "plan_funds", "plan_deadline", "plan_contingency")


class Hazard(LedgerEntry):
    OPEN_STATUSES = (HazardStatus.RECTIFYING,)
    STATUS_BADGES = HAZARD_STATUS_BADGES
    DATE_FIELD = "found_on"
    URL_PREFIX = "hazards"
    ATTACHMENT_KINDS = ("before", "after", "scene", "other")  # 整改前/后照片 first (ledger.models.AttachmentKind)
    PHOTO_KIND = "before"  # a photo taken when the hazard is recorded shows it before rectification

    found_on = models.DateField("发现日期")
    category = models.CharField("隐患类别", max_length=10, choices=HazardCategory.choices)
    level = models.CharField("隐患等级", max_length=4, choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    description = models.TextField("隐患描述", max_length=2000)
    rectify_due = models.DateField(
        "整改期限", null=True, blank=True, help_text="不填则按期限设置自动计算（一般隐患7日，重大隐患30日）。"
    )
    responsible_person = models.CharField("整改责任人", max_length=50, blank=True)
    measures = models.CharField("整改措施", max_length=500, blank=True)
    # 五落实 for a 重大 hazard: 责任、措施、资金、时限、预案
    plan_responsibility = models.CharField("责任落实", max_length=200, blank=True)
    plan_measures = models.CharField("措施落实", max_length=500, blank=True)
    plan_funds = models.CharField("资金落实", max_length=200, blank=True)
    plan_deadline = models.DateField("时限落实", null=True, blank=True)
    plan_contingency = models.CharField("预案落实", max_length=500, blank=True)
    status = models.CharField("状态", max_length=6, choices=HazardStatus.choices, default=HazardStatus.RECTIFYING)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    rectified_by = models.ForeignKey(
        "sanzero.User",
        verbose_name="整改登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    accepted_by = models.ForeignKey(
        "sanzero.User",
        verbose_name="验收人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    acceptance_note = models.CharField("验收意见", max_length=500, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    class Meta:
        verbose_name = "安全隐患"
        verbose_name_plural = "安全隐患台账"
        ordering = ["-found_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rectify_due__isnull=True) | Q(rectify_due__gte=F("found_on")),
                name="hazard_due_after_found",
                violation_error_message="整改期限不能早于发现日期。",
            ),
            models.CheckConstraint(
                condition=Q(rectified_on__isnull=True) | Q(rectified_on__gte=F("found_on")),
                name="hazard_rectified_after_found",
                violation_error_message="整改完成日期不能早于发现日期。",
            ),
            models.CheckConstraint(
                condition=Q(status=HazardStatus.RECTIFYING) | Q(rectified_on__isnull=False),
                name="hazard_rectified_has_date",
                violation_error_message="已整改的隐患须有整改完成日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status=HazardStatus.CLOSED) | Q(accepted_on__isnull=False),
                name="hazard_closed_has_acceptance",
                violation_error_message="已销号的隐患须有验收日期。",
            ),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True)
                | Q(rectified_on__isnull=False) & Q(accepted_on__gte=F("rectified_on")),
                name="hazard_accepted_after_rectified",
                violation_error_message="验收日期不能早于整改完成日期。",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "found_on"], name="hazard_subject_found"),
            models.Index(fields=["status", "due_on"], name="hazard_status_due"),
            models.Index(fields=["found_on"], name="hazard_found"),
            models.Index(fields=["level", "status"], name="hazard_level_status"),
        ]

    def __str__(self) -> str:
        return f"{self.subject.name}·{self.get_category_display()}隐患（{self.found_on:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("hazards:hazard_detail", args=[self.pk])

    def default_rectify_due(self, rules) -> datetime.date:
        days = rules.hazard_major_days if self.level == HazardLevel.MAJOR else rules.hazard_general_days
        return workdays.add_days(self.found_on, days)

    def compute_due_on(self, rules) -> datetime.date | None:
        if self.status != HazardStatus.RECTIFYING or self.found_on is None:
            return None
        return self.rectify_due or self.default_rectify_due(rules)

    def missing_plan_fields(self) -> list[str]:
        return [str(self._meta.get_field(f).verbose_name) for f in PLAN_FIELDS if not getattr(self, f)]


# 《生产安全事故报告和调查处理条例》第三条: (grade, min deaths, min serious injuries, min loss in 万元)
GRADE_THRESHOLDS = [
    (AccidentGrade.EXTRA, 30, 100, Decimal("10000")),
    (AccidentGrade.MAJOR, 10, 50, Decimal("5000")),
    (AccidentGrade.LARGER, 3, 10, Decimal("1000")),
]


def accident_grade(deaths: int, serious_injuries: int, loss: Decimal | None) -> str:
    """The national grade counts deaths, serious injuries (重伤, incl. acute poisoning) and direct loss;
    minor injuries do not raise it (they still break 零事故 under the default 口径)."""
    loss = loss or Decimal("0")
    for grade, min_deaths, min_serious, min_loss in GRADE_THRESHOLDS:
        if deaths >= min_deaths or serious_injuries >= min_serious or loss >= min_loss:
            return grade
    return AccidentGrade.ORDINARY


class Accident(LedgerEntry):
    OPEN_STATUSES = (AccidentStatus.INVESTIGATING,)
    STATUS_BADGES = ACCIDENT_STATUS_BADGES
    DATE_FIELD = "occurred_on"
    URL_PREFIX = "accidents"

    occurred_on = models.DateField("发生日期")
    kind = models.CharField("事故类型", max_length=6, choices=AccidentKind.choices)
    deaths = models.PositiveIntegerField("死亡人数", default=0)
    injuries = models.PositiveIntegerField("受伤人数", default=0, help_text="全部受伤人数，含重伤。")
    serious_injuries = models.PositiveIntegerField(
        "重伤人数",
        default=0,
        help_text="受伤人数中的重伤（含急性工业中毒）人数；事故等级按死亡、重伤人数和直接经济损失确定。",
    )
    direct_loss = models.DecimalField("直接经济损失(万元)", max_digits=12, decimal_places=2, default=Decimal("0"))
    grade = models.CharField(
        "事故等级", max_length=4, choices=AccidentGrade.choices, editable=False, default=AccidentGrade.ORDINARY
    )
    summary = models.TextField("简要经过", max_length=2000, blank=True)
    status = models.CharField(
        "状态", max_length=6, choices=AccidentStatus.choices, default=AccidentStatus.INVESTIGATING
    )
    closed_on = models.DateField("结案日期", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    class Meta:
        verbose_name = "事故"
        verbose_name_plural = "事故台账"
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direct_loss__gte=0),
                name="accident_loss_non_negative",
                violation_error_message="直接经济损失不能为负数。",
            ),
            models.CheckConstraint(
                condition=Q(serious_injuries__lte=F("injuries")),
                name="accident_serious_within_injuries",
                violation_error_message="重伤人数不能多于受伤人数。",
            ),
            models.CheckConstraint(
                condition=~Q(status=AccidentStatus.CLOSED) | Q(closed_on__isnull=False),
                name="accident_closed_has_date",
                violation_error_message="已结案的事故须有结案日期。",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("occurred_on")),
                name="accident_closed_after_occurred",
                violation_error_message="结案日期不能早于发生日期。",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "occurred_on"], name="accident_subject_occurred"),
            models.Index(fields=["occurred_on"], name="accident_occurred"),
        ]

    def __str__(self) -> str:
        return f"{self.subject.name}·{self.get_kind_display()}事故（{self.occurred_on:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("hazards:accident_detail", args=[self.pk])

    @property
    def has_casualties(self) -> bool:
        return self.deaths > 0 or self.injuries > 0

    def save(self, *args, **kwargs):
        # The grade is derived from the counts, never typed in (national thresholds above).
        self.grade = accident_grade(self.deaths, self.serious_injuries, self.direct_loss)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"grade"}
        super().save(*args, **kwargs)
