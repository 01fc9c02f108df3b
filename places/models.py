"""重点场所 (key places): registered under a 创建主体, inspected every so many days; an overdue inspection
is supervised (督办) like any open deadline. 在管 → 已撤管."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ledger.models import LedgerEntry
from sanzero.fields import BlindIndexField, EncryptedCharField, PersonalDataModel

from .choices import PLACE_STATUS_BADGES, RISK_BADGES, PlaceCategory, PlaceStatus, RiskLevel


class KeyPlace(PersonalDataModel, LedgerEntry):
    OPEN_STATUSES = (PlaceStatus.MANAGED,)
    STATUS_BADGES = PLACE_STATUS_BADGES
    DATE_FIELD = "registered_on"
    URL_PREFIX = "places"
    DUE_LABEL = "下次检查"

    registered_on = models.DateField("登记日期")
    name = models.CharField("场所名称", max_length=100)
    category = models.CharField("场所类别", max_length=10, choices=PlaceCategory.choices)
    address = models.CharField("地址", max_length=200, blank=True)
    responsible_person = models.CharField("负责人", max_length=50, blank=True)
    phone = EncryptedCharField("联系电话", kind="phone", max_length=20, blank=True)  # encrypted at rest
    phone_hash = BlindIndexField("联系电话检索值", source="phone")
    risk_level = models.CharField("风险等级", max_length=2, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    inspect_every_days = models.PositiveSmallIntegerField(
        "检查周期（天）", default=30, help_text="每隔多少天检查一次；逾期未检查的列入督办。"
    )
    last_inspected_on = models.DateField("最近检查日期", null=True, blank=True, editable=False)
    status = models.CharField("状态", max_length=4, choices=PlaceStatus.choices, default=PlaceStatus.MANAGED)
    retired_on = models.DateField("撤管日期", null=True, blank=True)
    retire_reason = models.CharField("撤管原因", max_length=300, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "created_at", "phone_hash"])

    class Meta:
        verbose_name = "重点场所"
        verbose_name_plural = "重点场所台账"
        ordering = ["-registered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(inspect_every_days__gte=1) & Q(inspect_every_days__lte=365),
                name="keyplace_inspect_days_range",
                violation_error_message="检查周期应在1到365天之间。",
            ),
            models.CheckConstraint(
                condition=Q(last_inspected_on__isnull=True) | Q(last_inspected_on__gte=F("registered_on")),
                name="keyplace_inspected_after_registered",
                violation_error_message="检查日期不能早于登记日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status=PlaceStatus.RETIRED) | Q(retired_on__isnull=False),
                name="keyplace_retired_has_date",
                violation_error_message="已撤管的场所须有撤管日期。",
            ),
            models.CheckConstraint(
                condition=Q(retired_on__isnull=True) | Q(retired_on__gte=F("registered_on")),
                name="keyplace_retired_after_registered",
                violation_error_message="撤管日期不能早于登记日期。",
            ),
        ]
        indexes = [
            models.Index(fields=["subject", "registered_on"], name="keyplace_subject_registered"),
            models.Index(fields=["status", "due_on"], name="keyplace_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_category_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("places:place_detail", args=[self.pk])

    def compute_due_on(self, rules) -> datetime.date | None:
        """The next inspection: the period after the last one (or after registration); none once retired."""
        if self.status != PlaceStatus.MANAGED or self.registered_on is None:
            return None
        return (self.last_inspected_on or self.registered_on) + datetime.timedelta(days=self.inspect_every_days)

    @property
    def risk_badge_class(self) -> str:
        return RISK_BADGES.get(self.risk_level, "text-bg-light")


class PlaceInspection(models.Model):
    """One inspection of a key place (检查记录), shown on its timeline."""

    place = models.ForeignKey(KeyPlace, verbose_name="重点场所", on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField("检查日期")
    finding = models.CharField("检查情况", max_length=500)
    problems_found = models.BooleanField("发现问题", default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="检查登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "场所检查记录"
        verbose_name_plural = "场所检查记录"
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.place_id} {self.inspected_on:%Y-%m-%d}"
