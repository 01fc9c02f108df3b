"""零报告 (“有事报情况、无事报平安”): a township, or a village whose grid worker reports, declares its month.

A declaration says either 有事报情况 (the month's ledger entries are the report; their counts are kept as
they were when declared) or 无事报平安 (nothing happened). A township's month cannot be submitted (上报)
until it has declared (dashboards.extensions.register_submit_check). One row per region and month; a
change or a withdrawal (撤回, with a reason) is a new version in its history, never a new row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from sanzero.scoping import ScopedQuerySet


class DeclarationKind(models.TextChoices):
    ENTRIES = "entries", "有事报情况"
    NOTHING = "nothing", "无事报平安"
    WITHDRAWN = "withdrawn", "已撤回"


KIND_BADGES = {
    DeclarationKind.ENTRIES: "text-bg-primary",
    DeclarationKind.NOTHING: "text-bg-success",
    DeclarationKind.WITHDRAWN: "text-bg-secondary",
}


class Declaration(models.Model):
    scope_region_path = "region"
    scope_department_path = None

    region = models.ForeignKey(
        "units.Region", verbose_name="申报区划", on_delete=models.PROTECT, related_name="declarations"
    )
    month = models.DateField("月份")  # the first day of the month
    kind = models.CharField("申报类型", max_length=10, choices=DeclarationKind.choices)
    # the month's ledger entries when declared: {"矛盾纠纷": 2, ...} (有事报情况), {} for 无事报平安
    entry_counts = models.JSONField("申报时台账条数", default=dict, blank=True)
    entry_total = models.PositiveIntegerField("申报时台账合计", default=0)
    note = models.CharField("说明", max_length=300, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申报人", on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField("申报时间")
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "零报告"
        verbose_name_plural = "零报告"
        ordering = ["-month", "region__code"]
        constraints = [models.UniqueConstraint(fields=["region", "month"], name="declaration_region_month")]
        indexes = [models.Index(fields=["month", "kind"], name="declaration_month_kind")]

    def __str__(self) -> str:
        return f"{self.region} {self.month:%Y年%-m月} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("declarations:detail", args=[self.pk])

    @property
    def declared(self) -> bool:
        return self.kind != DeclarationKind.WITHDRAWN

    @property
    def badge_class(self) -> str:
        return KIND_BADGES.get(self.kind, "text-bg-light")
