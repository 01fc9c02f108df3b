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
from sanzero.scoping import ScopedQuerySet

from .choices import (
    DISPUTE_STATUS_BADGES,
    AgreementType,
    DisputeCategory,
    DisputeSource,
    DisputeStatus,
    HandlingTier,
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
    tier = models.CharField(
        "统计层级",
        max_length=4,
        choices=HandlingTier.choices,
        blank=True,
        help_text="矛盾纠纷排查情况表按县、乡镇、村居三级统计：在本层级调处的纠纷计入所选一栏。"
        "新增时不选按层级名称判断（含“县”的为县，含“乡”“镇”“街道”的为乡镇，其余为村居）。",
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
            models.CheckConstraint(
                condition=~Q(tier=""),
                name="mediation_level_tier_set",
                violation_error_message="请选择统计层级（县、乡镇或村居）。",
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


def tier_from_name(name: str) -> str:
    """A rung's 统计层级 guessed from its name (the county may correct it): 县矛调中心 → 县, 乡镇综治中心 → 乡镇,
    网格员 and 村(社区)调委会 → 村居. disputes/migrations/0004 fills the stored ladder the same way."""
    if "县" in name or "市" in name or ("区" in name and "社区" not in name):
        return HandlingTier.COUNTY
    if any(word in name for word in ("乡", "镇", "街道")):
        return HandlingTier.TOWNSHIP
    return HandlingTier.VILLAGE


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
    # The 排查情况表's facts (issue 14): who handled it (县/乡镇/村居), whether a mediation was carried out
    # (调处, with its date) apart from whether it succeeded (成功 = 已化解), and whether it is 重大.
    handling_tier = models.CharField(
        "调处层级",
        max_length=4,
        choices=HandlingTier.choices,
        blank=True,
        help_text="排查情况表按此分县、乡镇、村居统计。不填按调解层级确定，升级调解后随新层级更新。",
    )
    mediated_on = models.DateField(
        "调处日期",
        null=True,
        blank=True,
        help_text="组织调解（调处）的日期；登记化解时未填的按化解日期记。",
    )
    is_major = models.BooleanField(
        "重大矛盾纠纷",
        default=False,
        help_text="涉及人数多、金额大、可能激化或引发群体性事件的，按重大矛盾纠纷单独统计。",
    )
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
            models.CheckConstraint(
                condition=Q(mediated_on__isnull=True) | Q(mediated_on__gte=F("found_on")),
                name="dispute_mediated_after_found",
                violation_error_message="调处日期不能早于登记日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status=DisputeStatus.RESOLVED)
                | (Q(mediated_on__isnull=False) & Q(mediated_on__lte=F("resolved_on"))),
                name="dispute_resolved_was_mediated",
                violation_error_message="已化解的纠纷须有调处日期，且不能晚于化解日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[DisputeStatus.FAILED, DisputeStatus.TRANSFERRED])
                | Q(mediated_on__isnull=False),
                name="dispute_failed_was_mediated",
                violation_error_message="调解不成或已移交的纠纷须有调处日期。",
            ),
            models.CheckConstraint(
                condition=~Q(handling_tier=""),
                name="dispute_handling_tier_set",
                violation_error_message="请选择调处层级（县、乡镇或村居）。",
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

    def fill_paicha_defaults(self) -> None:
        """What the 排查情况表 needs and a caller did not say: the 调处层级 of the current level; the 调处日期
        of a dispute that is settled (its 化解日期) or failed (the day its level took it up). The services
        set these themselves; this keeps a dispute written any other way (a fixture, a script) valid."""
        if not self.handling_tier and self.level_id is not None:
            self.handling_tier = self.level.tier
        if self.mediated_on is None:
            if self.status == DisputeStatus.RESOLVED:
                self.mediated_on = self.resolved_on
            elif self.status in (DisputeStatus.FAILED, DisputeStatus.TRANSFERRED):
                self.mediated_on = self.level_started_on

    def save(self, *args, **kwargs):
        self.fill_paicha_defaults()
        super().save(*args, **kwargs)

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

    @property
    def is_mediated(self) -> bool:
        return self.mediated_on is not None


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


def report_due_on(month: datetime.date) -> datetime.date:
    """The 排查情况表 of ``month`` is due at the county on the 5th of the next month (a calendar day)."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return following.replace(day=5)


class DisputeMonthReport(models.Model):
    """报送: a region's 矛盾纠纷排查情况表 of a month handed in (a township's to the county, the county's
    upward). Due on the 5th of the next month (``report_due_on``); handing it in again after a late
    correction keeps the first time and counts the times. Audited."""

    scope_region_path = "region"
    scope_department_path = None

    region = models.ForeignKey("units.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份", help_text="该月1日。")
    first_submitted_at = models.DateTimeField("首次报送时间")
    submitted_at = models.DateTimeField("最近报送时间")
    submitted_by = models.ForeignKey(
        "sanzero.User", verbose_name="报送人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    times = models.PositiveSmallIntegerField("报送次数", default=1)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "矛盾纠纷排查情况表报送"
        verbose_name_plural = "矛盾纠纷排查情况表报送"
        ordering = ["-month", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="disputemonthreport_region_month"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.month:%Y-%m} 排查情况表"

    @property
    def due_on(self) -> datetime.date:
        return report_due_on(self.month)

    @property
    def submitted_on(self) -> datetime.date:
        return timezone.localtime(self.first_submitted_at).date()

    @property
    def late_days(self) -> int:
        """Days after the due date of the first handing-in (0: on time)."""
        return max(0, (self.submitted_on - self.due_on).days)
