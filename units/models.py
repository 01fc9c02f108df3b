"""Region tree, categories, departments and the subject registry (创建主体)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sanzero.fields import BlindIndexField, EncryptedCharField, PersonalDataModel
from sanzero.scoping import ScopedQuerySet

from .pinyin import INITIALS_MAX_LENGTH, name_initials


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县"
    TOWNSHIP = "township", "乡镇(街道)"
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    GRID = "grid", "网格"


# Significant digits of a code at each level: the rest of a 12-digit code is zero padding.
LEVEL_PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
    RegionLevel.COMMUNITY: 12,
    RegionLevel.GRID: 15,
}
# Which levels may hold a region of each level (a county may sit directly under a province: 省直辖县).
ALLOWED_PARENT_LEVELS = {
    RegionLevel.PROVINCE: set(),
    RegionLevel.CITY: {RegionLevel.PROVINCE},
    RegionLevel.COUNTY: {RegionLevel.CITY, RegionLevel.PROVINCE},
    RegionLevel.TOWNSHIP: {RegionLevel.COUNTY},
    RegionLevel.VILLAGE: {RegionLevel.TOWNSHIP},
    RegionLevel.COMMUNITY: {RegionLevel.TOWNSHIP},
    RegionLevel.GRID: {RegionLevel.VILLAGE, RegionLevel.COMMUNITY},
}
# Where each level's own digits start in the code (they may not be all zeros).
LEVEL_SEGMENT_START = {
    RegionLevel.PROVINCE: 0,
    RegionLevel.CITY: 2,
    RegionLevel.COUNTY: 4,
    RegionLevel.TOWNSHIP: 6,
    RegionLevel.VILLAGE: 9,
    RegionLevel.COMMUNITY: 9,
    RegionLevel.GRID: 12,
}
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVEL_PREFIX_LENGTH)}
VILLAGE_LEVELS = (RegionLevel.VILLAGE, RegionLevel.COMMUNITY)


def parse_region_code(raw) -> str | None:
    """A division code from a URL or query string: ASCII digits, at most 15 (a grid's); else None, so
    that a NUL byte, "²" or SQL-ish text finds no region and is never a 500."""
    code = (raw or "").strip()
    return code if code.isascii() and code.isdigit() and len(code) <= 15 else None


def region_code_errors(code: str, level: str, parent: Region | None) -> dict[str, str]:
    """Why a (code, level, parent) triple is not a valid region, by field; empty when valid."""
    errors: dict[str, str] = {}
    code = (code or "").strip()
    if not code.isdigit() or not code.isascii():
        errors["code"] = "区划代码只能由数字组成。"
        return errors
    if level not in LEVEL_PREFIX_LENGTH:
        errors["level"] = "层级无效。"
        return errors
    expected_len = 15 if level == RegionLevel.GRID else 12
    if len(code) != expected_len:
        label = RegionLevel(level).label
        errors["code"] = f"{label}级区划代码应为{expected_len}位（当前{len(code)}位）。"
        return errors
    significant = LEVEL_PREFIX_LENGTH[level]
    if level != RegionLevel.GRID and code[significant:] != "0" * (12 - significant):
        label = RegionLevel(level).label
        errors["code"] = f"{label}级区划代码的第{significant + 1}位起应全为0（共12位）。"
        return errors
    if set(code[LEVEL_SEGMENT_START[level] : significant]) == {"0"}:
        errors["code"] = f"区划代码第{LEVEL_SEGMENT_START[level] + 1}–{significant}位（本级部分）不能全为0。"
        return errors
    if parent is not None:
        if level not in LEVEL_PREFIX_LENGTH or parent.level not in ALLOWED_PARENT_LEVELS[level]:
            errors["parent"] = f"{RegionLevel(level).label}不能隶属于{RegionLevel(parent.level).label}级区划。"
        elif not code.startswith(parent.prefix):
            errors["code"] = f"区划代码应以上级区划“{parent.name}”的代码前缀 {parent.prefix} 开头。"
    return errors


class InitialsMixin:
    """Keeps ``name_initials`` (pinyin initials of ``name``, for the pickers' search) in step with the name."""

    def save(self, *args, **kwargs):
        self.name_initials = name_initials(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_initials"}
        super().save(*args, **kwargs)


class RegionQuerySet(ScopedQuerySet):
    def subtree(self, region: Region):
        return self.filter(code__startswith=region.prefix)


class Region(InitialsMixin, models.Model):
    """A node of the division tree. A subtree is every code starting with the node's prefix."""

    scope_region_path = ""
    scope_department_path = None

    code = models.CharField("区划代码", max_length=15, unique=True)
    name = models.CharField("名称", max_length=60)
    name_initials = models.CharField("名称拼音首字母", max_length=INITIALS_MAX_LENGTH, blank=True, editable=False)
    level = models.CharField("层级", max_length=12, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    history = HistoricalRecords(excluded_fields=["name_initials"])

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "区划"
        verbose_name_plural = "区划"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["parent", "code"], name="region_parent_code"),
            models.Index(fields=["code"], name="region_code_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["name_initials"], name="region_initials_like", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: LEVEL_PREFIX_LENGTH[self.level]]

    @property
    def is_village_level(self) -> bool:
        return self.level in VILLAGE_LEVELS

    def clean(self):
        errors = region_code_errors(self.code, self.level, self.parent)
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self) -> str:
        return reverse("units:region_browse", args=[self.code])

    def ancestor_codes(self) -> set[str]:
        """The codes every region above this one can have (its code's shorter prefixes, zero-padded)."""
        return {self.code[:length].ljust(12, "0") for length in (2, 4, 6, 9, 12) if length < len(self.prefix)} - {
            self.code
        }

    def ancestors(self) -> list[Region]:
        """Ancestors from the root down, found by code prefix in one query."""
        return list(Region.objects.filter(code__in=self.ancestor_codes()).order_by("code"))


class TargetGroup(models.TextChoices):
    VILLAGE = "village", "村(社区)"
    UNIT = "unit", "单位(企业)"


class Department(models.Model):
    name = models.CharField("部门名称", max_length=60, unique=True)
    short_name = models.CharField("简称", max_length=20, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "主管部门"
        verbose_name_plural = "主管部门"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    name = models.CharField("类别名称", max_length=30, unique=True)
    group = models.CharField("主体分组", max_length=10, choices=TargetGroup.choices)
    default_department = models.ForeignKey(
        Department, verbose_name="默认主管部门", null=True, blank=True, on_delete=models.SET_NULL
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "主体类别"
        verbose_name_plural = "主体类别"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


def active_q(day: datetime.date, prefix: str = "") -> Q:
    """In the campaign on that day: joined on or before it (or no date), not yet left (DESIGN §5)."""
    return (Q(**{f"{prefix}joined_on__isnull": True}) | Q(**{f"{prefix}joined_on__lte": day})) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": day})
    )


def back_entry_start(today: datetime.date | None = None) -> datetime.date:
    """A ledger form offers subjects that were in the campaign on or after this day (1 January of last
    year): last year's assessment can still be completed. Older history comes by import_xlsx, which
    checks any date against the subject's own period."""
    today = today or timezone.localdate()
    return datetime.date(today.year - 1, 1, 1)


class SubjectQuerySet(ScopedQuerySet):
    def active_on(self, day: datetime.date):
        return self.filter(active_q(day))

    def offered_for_entry(self):
        """The subjects a ledger form offers: not left before back_entry_start()."""
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=back_entry_start()))

    def active(self):
        return self.active_on(timezone.localdate())

    def in_region(self, region: Region):
        return self.filter(region__code__startswith=region.prefix)


class Subject(InitialsMixin, PersonalDataModel, models.Model):
    """创建主体: a village, community, enterprise, school... assessed on the three zeros."""

    scope_region_path = "region"
    scope_department_path = "department"

    name = models.CharField("主体名称", max_length=100)
    name_initials = models.CharField("名称拼音首字母", max_length=INITIALS_MAX_LENGTH, blank=True, editable=False)
    category = models.ForeignKey(Category, verbose_name="主体类别", on_delete=models.PROTECT)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="subjects")
    department = models.ForeignKey(
        Department,
        verbose_name="主管部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subjects",
    )
    village_region = models.OneToOneField(
        Region,
        verbose_name="对应村(社区)区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="village_subject",
        editable=False,
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    credit_code_warning = models.BooleanField("信用代码校验位未通过（已确认）", default=False)
    responsible_person = models.CharField("负责人", max_length=50, blank=True)
    phone = EncryptedCharField("联系电话", kind="phone", max_length=20, blank=True)  # encrypted at rest
    phone_hash = BlindIndexField("联系电话检索值", source="phone")
    address = models.CharField("地址", max_length=200, blank=True)
    joined_on = models.DateField("纳入日期", null=True, blank=True)
    left_on = models.DateField("退出日期", null=True, blank=True)
    left_reason = models.CharField("退出原因", max_length=200, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["updated_at", "created_at", "village_region", "phone_hash", "name_initials"]
    )

    objects = SubjectQuerySet.as_manager()

    class Meta:
        verbose_name = "创建主体"
        verbose_name_plural = "创建主体"
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                condition=Q(left_on__isnull=True),
                name="subject_unique_active_name_in_region",
                violation_error_message="同一区划内已有同名的在册主体。",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="subject_left_after_joined",
                violation_error_message="退出日期不能早于纳入日期。",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "region"], name="subject_category_region"),
            models.Index(fields=["department", "region"], name="subject_department_region"),
            models.Index(fields=["credit_code"], name="subject_credit_code"),
            models.Index(fields=["name_initials"], name="subject_initials_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["left_on"], name="subject_left_on"),
            # the list sorted by 名称 at city scope: a top-25 walk of this index instead of sorting every
            # subject in scope (docs/query-plans.md: 360 ms → 0.2 ms for 56,353 subjects)
            models.Index(fields=["name"], name="subject_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("units:subject_detail", args=[self.pk])

    @property
    def group(self) -> str:
        return self.category.group

    @property
    def is_active(self) -> bool:
        return self.left_on is None or self.left_on > timezone.localdate()

    def in_campaign_on(self, day: datetime.date) -> bool:
        """Whether ``day`` lies in the active period (joined_on ≤ day < left_on; DESIGN §5): a ledger
        entry dated that day belongs to the subject, however long after the fact it is recorded."""
        return (self.joined_on is None or self.joined_on <= day) and (self.left_on is None or self.left_on > day)

    def period_text(self) -> str:
        """The active period in words, for messages: 纳入日期2020-01-01，退出日期2020-08-15."""
        parts = []
        if self.joined_on:
            parts.append(f"纳入日期{self.joined_on:%Y-%m-%d}")
        if self.left_on:
            parts.append(f"退出日期{self.left_on:%Y-%m-%d}")
        return "，".join(parts) or "一直在创建范围内"

    def period_error(self, day: datetime.date, label: str) -> str | None:
        """The Chinese refusal for an entry dated outside the active period, else None."""
        if self.in_campaign_on(day):
            return None
        return (
            f"{label}{day:%Y-%m-%d}不在“{self.name}”的创建期内（{self.period_text()}），"
            "该日期的台账不能登记在此主体下，请核对日期或所选主体。"
        )
