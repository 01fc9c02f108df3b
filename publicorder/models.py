"""治安问题 (public-security problems found in 排查): the third kind of problem the campaign counts beside
矛盾纠纷 and 安全隐患 (Changzhi: 7,354 found, 5,282 solved). Not cases: a problem to put right — a
disorderly spot, a rented house without registration, gambling in a back room — with a deadline.
整治中 → 已解决 | 已移交 (to the police or a department); 已解决 → 整治中 when it comes back."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ledger.models import LedgerEntry

from .choices import (
    DEFAULT_RECTIFY_DAYS,
    PROBLEM_STATUS_BADGES,
    RISK_BADGES,
    ProblemCategory,
    ProblemSource,
    ProblemStatus,
    RiskLevel,
)


class PublicOrderProblem(LedgerEntry):
    OPEN_STATUSES = (ProblemStatus.RECTIFYING,)
    STATUS_BADGES = PROBLEM_STATUS_BADGES
    DATE_FIELD = "found_on"
    URL_PREFIX = "public-order"
    ATTACHMENT_KINDS = ("scene", "before", "after", "other")
    PHOTO_KIND = "scene"  # a grid worker records the spot with a photo

    found_on = models.DateField("排查日期")
    category = models.CharField("问题类别", max_length=10, choices=ProblemCategory.choices)
    source = models.CharField("发现来源", max_length=6, choices=ProblemSource.choices, default=ProblemSource.GRID)
    location = models.CharField("地点（部位）", max_length=200, blank=True)
    description = models.TextField("问题描述", max_length=2000)
    people_count = models.PositiveIntegerField("涉及人数", default=0)
    risk_level = models.CharField("风险等级", max_length=2, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    lead_unit = models.CharField("牵头整治单位", max_length=100, blank=True, help_text="如：青石派出所、乡镇综治中心")
    responsible_person = models.CharField("整治责任人", max_length=50, blank=True)
    measures = models.CharField("整治措施", max_length=500, blank=True)
    rectify_due = models.DateField(
        "整治期限", null=True, blank=True, help_text="不填则按风险等级自动计算（高15日、中30日、低60日）。"
    )
    status = models.CharField("状态", max_length=4, choices=ProblemStatus.choices, default=ProblemStatus.RECTIFYING)
    resolved_on = models.DateField("解决日期", null=True, blank=True)
    result = models.CharField("整治结果", max_length=500, blank=True)
    transferred_on = models.DateField("移交日期", null=True, blank=True)
    transferred_to = models.CharField("移交单位", max_length=100, blank=True)
    reopened_count = models.PositiveSmallIntegerField("反弹次数", default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    class Meta:
        verbose_name = "治安问题"
        verbose_name_plural = "治安问题台账"
        ordering = ["-found_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rectify_due__isnull=True) | Q(rectify_due__gte=F("found_on")),
                name="publicorder_due_after_found",
                violation_error_message="整治期限不能早于排查日期。",
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("found_on")),
                name="publicorder_resolved_after_found",
                violation_error_message="解决日期不能早于排查日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProblemStatus.SOLVED) | Q(resolved_on__isnull=False),
                name="publicorder_solved_has_date",
                violation_error_message="已解决的治安问题须有解决日期。",
            ),
            models.CheckConstraint(
                condition=Q(transferred_on__isnull=True) | Q(transferred_on__gte=F("found_on")),
                name="publicorder_transferred_after_found",
                violation_error_message="移交日期不能早于排查日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProblemStatus.TRANSFERRED)
                | Q(transferred_on__isnull=False) & ~Q(transferred_to=""),
                name="publicorder_transferred_has_date_and_unit",
                violation_error_message="已移交的治安问题须有移交日期和移交单位。",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "found_on"], name="publicorder_subject_found"),
            models.Index(fields=["status", "due_on"], name="publicorder_status_due"),
            models.Index(fields=["found_on"], name="publicorder_found"),
        ]

    def __str__(self) -> str:
        return f"{self.subject.name}·{self.get_category_display()}（{self.found_on:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("publicorder:problem_detail", args=[self.pk])

    def default_rectify_due(self) -> datetime.date:
        return self.found_on + datetime.timedelta(days=DEFAULT_RECTIFY_DAYS.get(self.risk_level, 30))

    def compute_due_on(self, rules) -> datetime.date | None:
        if self.status != ProblemStatus.RECTIFYING or self.found_on is None:
            return None
        return self.rectify_due or self.default_rectify_due()

    @property
    def risk_badge_class(self) -> str:
        return RISK_BADGES.get(self.risk_level, "text-bg-light")
