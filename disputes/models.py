"""矛盾纠纷 (disputes): a mediation ladder of levels with working-day limits, escalations, follow-up visits."""

from __future__ import annotations

import datetime
import re

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ledger.models import LedgerEntry
from sanzero import workdays

from .choices import (
    DISPUTE_STATUS_BADGES,
    AgreementType,
    DisputeCategory,
    DisputeSource,
    DisputeStatus,
    RiskColour,
    TransferTarget,
)

MIN_LEVEL_DAYS = 1
MAX_LEVEL_DAYS = 30


class MediationLevel(models.Model):
    """One rung of the county's mediation ladder (default after 张掖 “四级七天”), edited by the county."""

    order = models.PositiveSmallIntegerField(
        "排序号", unique=True, help_text="从小到大依次升级；建议按10、20、30…编号，便于插入新层级。"
    )
    name = models.CharField("层级名称", max_length=30, unique=True)
    working_days = models.PositiveSmallIntegerField(
        "调解时限（工作日）",
        validators=[MinValueValidator(MIN_LEVEL_DAYS), MaxValueValidator(MAX_LEVEL_DAYS)],
        help_text=f"{MIN_LEVEL_DAYS}–{MAX_LEVEL_DAYS}个工作日，按国家法定节假日与调休计算。",
    )
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "调解层级"
        verbose_name_plural = "调解层级"
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(working_days__gte=MIN_LEVEL_DAYS) & Q(working_days__lte=MAX_LEVEL_DAYS),
                name="mediation_level_days_range",
                violation_error_message=f"调解时限应为{MIN_LEVEL_DAYS}–{MAX_LEVEL_DAYS}个工作日。",
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="mediation_level_name_not_empty",
                violation_error_message="层级名称不能为空。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("disputes:level_list")

    def next_level(self) -> MediationLevel | None:
        return MediationLevel.objects.filter(order__gt=self.order).order_by("order").first()

    @classmethod
    def first(cls) -> MediationLevel | None:
        return cls.objects.order_by("order").first()

    @classmethod
    def total_working_days(cls) -> int:
        return cls.objects.aggregate(total=Sum("working_days"))["total"] or 0


def next_in_ladder(ladder: list[MediationLevel], level_id: int | None) -> MediationLevel | None:
    """The level after `level_id` in an already loaded, ordered ladder (lists: no query per row)."""
    for i, level in enumerate(ladder):
        if level.pk == level_id:
            return ladder[i + 1] if i + 1 < len(ladder) else None
    return None


_NAME_SEPARATORS = re.compile(r"([、,，;；/\s]+)")


def mask_names(value: str) -> str:
    """当事人 on lists and default views: keep each name's first character, the rest becomes *.

    Several names separated by 、 or , (also ，；; / and spaces) are masked one by one:
    "张三、李小四,王五" → "张*、李**,王*".
    """
    if not value:
        return ""
    parts = _NAME_SEPARATORS.split(value.strip())
    return "".join(p if _NAME_SEPARATORS.fullmatch(p) or not p else p[0] + "*" * (len(p) - 1) for p in parts)


def party_names(value: str) -> list[str]:
    """The names in 当事人 ("张三、李小四,王五" → ["张三", "李小四", "王五"]), to mask them in free text."""
    return [p for p in _NAME_SEPARATORS.split((value or "").strip()) if p and not _NAME_SEPARATORS.fullmatch(p)]


class Dispute(LedgerEntry):
    OPEN_STATUSES = (DisputeStatus.MEDIATING,)
    STATUS_BADGES = DISPUTE_STATUS_BADGES
    DATE_FIELD = "found_on"
    URL_PREFIX = "disputes"
    ATTACHMENT_KINDS = ("agreement", "scene", "other")  # the scanned 调解协议书 first
    PHOTO_KIND = "scene"

    found_on = models.DateField("登记日期")
    category = models.CharField("纠纷类别", max_length=10, choices=DisputeCategory.choices)
    summary = models.TextField("简要情况", max_length=2000)
    source = models.CharField("来源", max_length=10, choices=DisputeSource.choices, default=DisputeSource.GRID)
    parties = models.CharField(
        "当事人", max_length=200, blank=True, help_text="多名当事人用“、”分隔。属个人信息，列表与详情默认脱敏显示。"
    )
    people_count = models.PositiveIntegerField("涉及人数", default=2)
    risk_colour = models.CharField(
        "风险等级",
        max_length=2,
        choices=RiskColour.choices,
        default=RiskColour.BLUE,
        help_text="红：可能激化或引发群体性事件；黄：较复杂；蓝：一般。",
    )
    level = models.ForeignKey(
        MediationLevel, verbose_name="当前调解层级", on_delete=models.PROTECT, related_name="disputes", editable=False
    )
    level_started_on = models.DateField("本级开始日期", editable=False)
    # The level's limit when the dispute reached it: a later change of the ladder applies to levels
    # entered after the change, so a stored deadline never moves on its own.
    level_days = models.PositiveSmallIntegerField("本级时限（工作日）", editable=False)
    overall_due_on = models.DateField(
        "整体调解期限",
        null=True,
        blank=True,
        editable=False,
        help_text="登记日期起按全部调解层级的工作日合计计算（DESIGN §5 超期未办结）。",
    )
    status = models.CharField("状态", max_length=6, choices=DisputeStatus.choices, default=DisputeStatus.MEDIATING)
    resolved_on = models.DateField("化解日期", null=True, blank=True)
    agreement_type = models.CharField("协议形式", max_length=4, choices=AgreementType.choices, blank=True)
    agreement = models.TextField("协议内容", max_length=1000, blank=True)
    fail_reason = models.CharField("调解不成原因", max_length=500, blank=True)
    transfer_to = models.CharField("移交去向", max_length=4, choices=TransferTarget.choices, blank=True)
    transfer_note = models.CharField("移交说明", max_length=500, blank=True)
    remarks = models.CharField("备注", max_length=500, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    class Meta:
        verbose_name = "矛盾纠纷"
        verbose_name_plural = "矛盾纠纷台账"
        ordering = ["-found_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("found_on")),
                name="dispute_resolved_after_found",
                violation_error_message="化解日期不能早于登记日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status=DisputeStatus.RESOLVED) | Q(resolved_on__isnull=False),
                name="dispute_resolved_has_date",
                violation_error_message="已化解的纠纷须有化解日期。",
            ),
            models.CheckConstraint(
                condition=Q(people_count__gte=1),
                name="dispute_people_positive",
                violation_error_message="涉及人数至少为1人。",
            ),
            models.CheckConstraint(
                condition=Q(level_started_on__gte=F("found_on")),
                name="dispute_level_after_found",
                violation_error_message="本级开始日期不能早于登记日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status=DisputeStatus.TRANSFERRED) | ~Q(transfer_to=""),
                name="dispute_transferred_has_target",
                violation_error_message="已移交的纠纷须有移交去向。",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "found_on"], name="dispute_subject_found"),
            models.Index(fields=["status", "due_on"], name="dispute_status_due"),
            models.Index(fields=["found_on"], name="dispute_found"),
            models.Index(fields=["risk_colour"], name="dispute_risk"),
        ]

    def __str__(self) -> str:
        category = self.get_category_display()
        return (
            f"{self.subject.name}·{category}{'' if category.endswith('纠纷') else '纠纷'}（{self.found_on:%Y-%m-%d}）"
        )

    def get_absolute_url(self) -> str:
        return reverse("disputes:dispute_detail", args=[self.pk])

    def compute_due_on(self, rules) -> datetime.date | None:
        """The current level's deadline while 调解中: level start + the level's working days."""
        if self.status != DisputeStatus.MEDIATING or self.level_started_on is None or self.level_days is None:
            return None
        return workdays.add_workdays(self.level_started_on, self.level_days)

    DEADLINE_FIELDS = ("due_on", "overall_due_on")
    WORKDAY_DEADLINES = True

    @classmethod
    def deadline_context(cls) -> dict:
        return {"ladder_days": MediationLevel.total_working_days()}

    def recomputed_deadlines(self, rules, context: dict) -> dict[str, datetime.date | None]:
        """The level's deadline and the overall one; the overall one counts the ladder's current total,
        as dispute_update does when the 登记日期 changes."""
        return {
            "due_on": self.compute_due_on(rules),
            "overall_due_on": overall_due(self.found_on, context["ladder_days"]) if self.found_on else None,
        }

    def needs_escalation(self, today: datetime.date | None = None) -> bool:
        """Past the current level's limit and still 调解中: suggest moving up the ladder."""
        today = today or timezone.localdate()
        return self.is_open and self.due_on is not None and today > self.due_on

    @property
    def masked_parties(self) -> str:
        return mask_names(self.parties)


def overall_due(found_on: datetime.date, total_days: int | None = None) -> datetime.date:
    """The whole ladder's working days from the registration date (DESIGN §5, §6)."""
    days = MediationLevel.total_working_days() if total_days is None else total_days
    return workdays.add_workdays(found_on, days)


class DisputeEscalation(models.Model):
    """One step up the ladder: from which level to which, when, by whom and why."""

    dispute = models.ForeignKey(Dispute, verbose_name="矛盾纠纷", on_delete=models.CASCADE, related_name="escalations")
    from_level = models.ForeignKey(MediationLevel, verbose_name="原层级", on_delete=models.PROTECT, related_name="+")
    to_level = models.ForeignKey(MediationLevel, verbose_name="升级至", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("升级时间", default=timezone.now)
    by = models.ForeignKey(
        "sanzero.User", verbose_name="经办人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("升级原因", max_length=500)
    previous_due_on = models.DateField("原层级期限", null=True, blank=True)

    class Meta:
        verbose_name = "调解升级记录"
        verbose_name_plural = "调解升级记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["dispute", "at"], name="escalation_dispute_at")]

    def __str__(self) -> str:
        return f"{self.from_level} → {self.to_level}"

    @property
    def was_overdue(self) -> bool:
        return self.previous_due_on is not None and timezone.localtime(self.at).date() > self.previous_due_on


class FollowUpVisit(models.Model):
    """回访: after 化解, whether the agreement is being performed (人民调解 回访 duty)."""

    dispute = models.ForeignKey(Dispute, verbose_name="矛盾纠纷", on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("回访日期")
    by = models.ForeignKey(
        "sanzero.User", verbose_name="回访人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    performance_ok = models.BooleanField("协议履行正常", default=True)
    note = models.CharField("回访情况", max_length=500, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "回访记录"
        verbose_name_plural = "回访记录"
        ordering = ["visited_on", "pk"]
        indexes = [models.Index(fields=["dispute", "visited_on"], name="visit_dispute_visited")]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} 回访"
