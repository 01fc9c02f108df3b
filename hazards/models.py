"""安全隐患 (hazards: rectify → accept → close) and 事故 (accidents, graded by national thresholds)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ledger.models import LedgerEntry
from sanzero import workdays

from .choices import (
    ACCIDENT_STATUS_BADGES,
    HAZARD_STATUS_BADGES,
    LISTING_ACTIVE,
    LISTING_STATUS_BADGES,
    TIER_BADGES,
    AccidentGrade,
    AccidentKind,
    AccidentStatus,
    HazardCategory,
    HazardLevel,
    HazardStatus,
    ListingStatus,
    ListingTier,
    ReviewStage,
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


# --- 挂牌督办 (listing a 重大 hazard for supervision) ---------------------------------------------------

#: the 五落实 of a listing as structured fields (责任、措施、资金、时限、预案), by what each one needs
LISTING_PLAN = {
    "责任落实": ("duty_unit", "duty_person"),
    "措施落实": ("measures",),
    "资金落实": ("funds",),
    "时限落实": ("plan_deadline",),
    "预案落实": ("contingency",),
}
LISTING_PLAN_FIELDS = (
    "duty_unit",
    "duty_person",
    "duty_leader",
    "measures",
    "funds",
    "funds_source",
    "plan_deadline",
    "contingency",
)


class HazardListing(LedgerEntry):
    """A 重大 hazard listed for supervision (挂牌督办) by a county, city or province 安委会.

    督办中 (rectifying, due by the listing's 整改时限) → 待初审 (rectification reported) → 初审 →
    待验收 → 验收 → 待摘牌 → 摘牌销号 (已摘牌; the hazard itself is 销号 then). 初审 and 验收 are done by
    someone other than the user who recorded the rectification, each with its approval record
    (ListingReview); a failed one sends the listing back to 督办中. Overdue, it escalates to 督办函
    (ListingLetter) and is on 督办. The listing keeps its hazard's subject (for scope and 督办)."""

    OPEN_STATUSES = (ListingStatus.SUPERVISING,)
    STATUS_BADGES = LISTING_STATUS_BADGES
    DATE_FIELD = "listed_on"
    URL_PREFIX = "listings"
    ATTACHMENT_KINDS = ("other", "after", "scene")

    hazard = models.ForeignKey(Hazard, verbose_name="重大隐患", on_delete=models.PROTECT, related_name="listings")
    tier = models.CharField("挂牌层级", max_length=6, choices=ListingTier.choices, default=ListingTier.COUNTY)
    notice_number = models.CharField(
        "督办通知书文号",
        max_length=50,
        unique=True,
        error_messages={"unique": "该督办通知书文号已被登记，请核对。"},
        help_text="例如：青安委〔2026〕3号",
    )
    listed_on = models.DateField("挂牌日期")
    deadline = models.DateField("整改时限", help_text="督办通知书要求整改完成的日期；逾期未整改的发督办函。")
    requirement = models.CharField("督办要求", max_length=500, blank=True)
    # 五落实: 责任、措施、资金、时限、预案
    duty_unit = models.CharField("责任单位", max_length=100, blank=True)
    duty_person = models.CharField("整改责任人", max_length=50, blank=True)
    duty_leader = models.CharField("包保责任领导", max_length=50, blank=True)
    measures = models.TextField("整改措施", max_length=1000, blank=True)
    funds = models.DecimalField("整改资金(万元)", max_digits=10, decimal_places=2, null=True, blank=True)
    funds_source = models.CharField("资金来源", max_length=100, blank=True)
    plan_deadline = models.DateField("计划完成日期", null=True, blank=True, help_text="不能晚于整改时限。")
    contingency = models.CharField("整改期间防范措施和应急预案", max_length=500, blank=True)
    status = models.CharField("状态", max_length=4, choices=ListingStatus.choices, default=ListingStatus.SUPERVISING)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    rectify_report = models.CharField("整改情况", max_length=500, blank=True)
    rectified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="整改登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    reviewed_on = models.DateField("初审日期", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="初审人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="验收登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    delisted_on = models.DateField("摘牌日期", null=True, blank=True)
    delist_number = models.CharField("摘牌文号", max_length=50, blank=True)
    letters_count = models.PositiveSmallIntegerField("督办函数", default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    class Meta:
        verbose_name = "挂牌督办"
        verbose_name_plural = "重大隐患挂牌督办"
        ordering = ["-listed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["hazard"],
                condition=~Q(status=ListingStatus.DELISTED),
                name="listing_one_active_per_hazard",
                violation_error_message="该隐患已在挂牌督办中，不能重复挂牌。",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("listed_on")),
                name="listing_deadline_after_listed",
                violation_error_message="整改时限不能早于挂牌日期。",
            ),
            models.CheckConstraint(
                condition=Q(plan_deadline__isnull=True) | Q(plan_deadline__lte=F("deadline")),
                name="listing_plan_within_deadline",
                violation_error_message="计划完成日期不能晚于整改时限。",
            ),
            models.CheckConstraint(
                condition=Q(funds__isnull=True) | Q(funds__gte=0),
                name="listing_funds_non_negative",
                violation_error_message="整改资金不能为负数。",
            ),
            models.CheckConstraint(
                condition=Q(status=ListingStatus.SUPERVISING) | Q(rectified_on__isnull=False),
                name="listing_rectified_has_date",
                violation_error_message="已整改的挂牌隐患须有整改完成日期。",
            ),
            models.CheckConstraint(
                condition=Q(rectified_on__isnull=True) | Q(rectified_on__gte=F("listed_on")),
                name="listing_rectified_after_listed",
                violation_error_message="整改完成日期不能早于挂牌日期。",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_on__isnull=True) | Q(reviewed_on__gte=F("rectified_on")),
                name="listing_reviewed_after_rectified",
                violation_error_message="初审日期不能早于整改完成日期。",
            ),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(accepted_on__gte=F("reviewed_on")),
                name="listing_accepted_after_reviewed",
                violation_error_message="验收日期不能早于初审日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status=ListingStatus.DELISTED)
                | Q(delisted_on__isnull=False) & Q(accepted_on__isnull=False),
                name="listing_delisted_has_dates",
                violation_error_message="已摘牌的挂牌督办须有验收日期和摘牌日期。",
            ),
            models.CheckConstraint(
                condition=Q(delisted_on__isnull=True) | Q(delisted_on__gte=F("accepted_on")),
                name="listing_delisted_after_accepted",
                violation_error_message="摘牌日期不能早于验收日期。",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "listed_on"], name="listing_subject_listed"),
            models.Index(fields=["status", "due_on"], name="listing_status_due"),
            models.Index(fields=["tier", "listed_on"], name="listing_tier_listed"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_number}·{self.subject.name}"

    def get_absolute_url(self) -> str:
        return reverse("hazards:listing_detail", args=[self.pk])

    def compute_due_on(self, rules) -> datetime.date | None:
        return self.deadline if self.status == ListingStatus.SUPERVISING else None

    @property
    def is_active(self) -> bool:
        return self.status in LISTING_ACTIVE

    @property
    def tier_badge_class(self) -> str:
        return TIER_BADGES.get(self.tier, "text-bg-light")

    def missing_plan(self) -> list[str]:
        """The 五落实 not yet in place (names), in their order: 责任、措施、资金、时限、预案."""
        return [name for name, fields in LISTING_PLAN.items() if any(getattr(self, f) in (None, "") for f in fields)]


class ListingReview(models.Model):
    """An approval record of a listing: its 初审 or 验收, passed or not, by whom, when and with what opinion."""

    listing = models.ForeignKey(
        HazardListing, verbose_name="挂牌督办", on_delete=models.CASCADE, related_name="reviews"
    )
    stage = models.CharField("环节", max_length=2, choices=ReviewStage.choices)
    passed = models.BooleanField("是否通过")
    reviewed_on = models.DateField("日期")
    unit = models.CharField("审核单位", max_length=100)
    members = models.CharField("参加人员", max_length=200, blank=True)
    opinion = models.CharField("意见", max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "挂牌督办审核记录"
        verbose_name_plural = "挂牌督办审核记录"
        ordering = ["reviewed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.stage}{'通过' if self.passed else '不通过'}"


class ListingLetter(models.Model):
    """督办函: what an overdue listing escalates to. The daily task issues one when the listing is still
    督办中 past its 整改时限 (the next one past the previous letter's reply deadline); county staff may
    issue one by hand. ``issued_by`` is empty for the system's own letters."""

    listing = models.ForeignKey(
        HazardListing, verbose_name="挂牌督办", on_delete=models.CASCADE, related_name="letters"
    )
    sequence = models.PositiveSmallIntegerField("第几次督办")
    number = models.CharField("督办函编号", max_length=50, unique=True)
    issued_on = models.DateField("发函日期")
    reply_due = models.DateField("限期整改并书面报告日期")
    overdue_days = models.PositiveIntegerField("发函时超期天数", default=0)
    content = models.CharField("督办意见", max_length=500, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发函人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "督办函"
        verbose_name_plural = "督办函"
        ordering = ["listing", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["listing", "sequence"], name="listingletter_listing_sequence"),
            models.CheckConstraint(
                condition=Q(reply_due__gte=F("issued_on")),
                name="listingletter_reply_after_issued",
                violation_error_message="限期日期不能早于发函日期。",
            ),
        ]

    def __str__(self) -> str:
        return self.number
