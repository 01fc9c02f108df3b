"""The administrator's table of national-standard codes beside our enumerations (standards/mapping.py)."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .mapping import ENUMERATIONS, STANDARD

CODE_VALIDATOR = RegexValidator(r"^[0-9A-Za-z.\-]*$", "代码只能由数字、字母、点或短横线组成。")


class StandardCode(models.Model):
    """One of our words (``value`` of ``enumeration``) and its code in the standard; empty: not mapped yet."""

    enumeration = models.CharField(
        "枚举", max_length=40, choices=[(e.key, e.label) for e in ENUMERATIONS], editable=False
    )
    value = models.CharField("本系统取值", max_length=30, editable=False)
    code = models.CharField(
        "国标代码",
        max_length=20,
        blank=True,
        validators=[CODE_VALIDATOR],
        help_text=f"按 {STANDARD}《社会治安综合治理基础数据规范》或省级平台接口文档填写；不清楚的留空，不要猜。",
    )
    standard = models.CharField("标准", max_length=40, default=STANDARD)
    note = models.CharField("来源说明", max_length=200, blank=True, help_text="代码出处，如标准条款号或接口文档名称。")
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "国家标准代码对照"
        verbose_name_plural = "国家标准代码对照"
        ordering = ["enumeration", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enumeration", "value"], name="standardcode_enumeration_value"),
            models.CheckConstraint(condition=~Q(value=""), name="standardcode_value_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_enumeration_display()}·{self.value}"
