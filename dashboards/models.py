"""Rules, targets, monthly snapshots and month locking (DESIGN §5).

Dashboards and the committee report read SubjectMonth and RegionMonth only; the ledgers are read
once, by the monthly computation (dashboards.compute).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from sanzero.jobs import BackgroundJob, JobStatus
from sanzero.rates import Rate
from sanzero.scoping import ScopedQuerySet
from units.models import TargetGroup

# the enumerations and presets live in choices.py; models (and the rest of the code) name them from here too
from .choices import (  # noqa: F401
    ALL_GROUPS,
    GROUP_CHOICES,
    PETITION_LEVELS,
    PRESET_NOTES,
    PRESETS,
    RULE_FIELDS,
    AccidentBasis,
    Period,
    PetitionLevel,
    RulePreset,
    preset_of,
)


class RuleSet(models.Model):
    """The predicates of the three zeros for one target group, for a region (a county, city or
    province: its subtree uses them) or, with no region, the built-in default. Never edited: a change
    is a new version; a snapshot records the version it used."""

    region = models.ForeignKey(
        "units.Region",
        verbose_name="适用区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="空：系统默认；否则该区划及其下级使用本规则。",
    )
    group = models.CharField("主体分组", max_length=10, choices=TargetGroup.choices)
    version = models.PositiveIntegerField("版本")
    preset = models.CharField("口径", max_length=10, choices=RulePreset.choices, default=RulePreset.DEFAULT)
    # 零上访 — default: a skip-level, collective or abnormal petition fails it
    petition_skip_level = models.BooleanField("越级访不达标", default=True)
    petition_collective = models.BooleanField("集体访不达标", default=True)
    petition_abnormal = models.BooleanField("非正常访不达标", default=True)
    collective_headcount = models.PositiveSmallIntegerField("集体访人数标准（人及以上）", default=5)
    petition_level_at_or_above = models.CharField(
        "到访该层级及以上即不达标", max_length=2, choices=PetitionLevel.choices, blank=True, default=""
    )
    petition_any = models.BooleanField("任何信访均不达标（最严）", default=False)
    petition_repeat = models.BooleanField("重复访不达标", default=False)
    # 零事故 — default: an accident with a death or an injury fails it
    accident_basis = models.CharField(
        "零事故：以下事故即不达标", max_length=10, choices=AccidentBasis.choices, default=AccidentBasis.CASUALTY
    )
    # 零案件 — default: a criminal case, or a public-security case of major influence, fails it
    case_any_security = models.BooleanField("任何治安案件均不达标", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设置人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField("调整原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "达标规则"
        verbose_name_plural = "达标规则"
        ordering = ["group", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "version"], condition=Q(region__isnull=True), name="ruleset_default_group_version"
            ),
            models.UniqueConstraint(
                fields=["region", "group", "version"],
                condition=Q(region__isnull=False),
                name="ruleset_region_group_version",
            ),
        ]

    def __str__(self) -> str:
        where = self.region.name if self.region_id else "系统默认"
        return f"{where}·{self.get_group_display()}规则 第{self.version}版（{self.get_preset_display()}）"

    @classmethod
    def default(cls, group: str) -> RuleSet:
        """The built-in default's latest version (created on first use)."""
        rule = cls.objects.filter(group=group, region__isnull=True).order_by("-version").first()
        if rule is None:
            rule, _ = cls.objects.get_or_create(
                group=group, version=1, region=None, defaults=PRESETS[RulePreset.DEFAULT]
            )
        return rule

    @classmethod
    def current(cls, group: str, region=None) -> RuleSet:
        """The rule a region's subjects use: the latest version set for the region or its nearest
        ancestor that has one, else the built-in default."""
        if region is not None:
            return RuleBook.load().rule_for(region.code, group)
        return cls.default(group)

    def values(self) -> dict:
        return {f: getattr(self, f) for f in RULE_FIELDS}

    # --- the three zeros, evaluated on ledger rows (dicts) --------------------------------------
    def petition_fails(self, row: dict) -> bool:
        if self.petition_any:
            return True
        if self.petition_skip_level and row["is_skip_level"]:
            return True
        if self.petition_collective and (row["headcount"] or 0) >= self.collective_headcount:
            return True
        if self.petition_abnormal and row["is_abnormal"]:
            return True
        if self.petition_repeat and row["is_repeat"]:
            return True
        if self.petition_level_at_or_above and row["level_reached"] in PETITION_LEVELS:
            return PETITION_LEVELS.index(row["level_reached"]) >= PETITION_LEVELS.index(self.petition_level_at_or_above)
        return False

    def accident_fails(self, row: dict) -> bool:
        deaths = row["deaths"] or 0
        if self.accident_basis == AccidentBasis.ANY:
            return True
        if self.accident_basis == AccidentBasis.DEATH:
            return deaths > 0
        if self.accident_basis == AccidentBasis.SERIOUS:
            return deaths > 0 or (row["serious_injuries"] or 0) > 0
        return deaths > 0 or (row["injuries"] or 0) > 0 or (row["serious_injuries"] or 0) > 0

    def case_fails(self, row: dict) -> bool:
        if row["kind"] == "刑事":
            return True
        return row["kind"] == "治安" and (self.case_any_security or bool(row["major_influence"]))

    # --- the same three predicates in SQL, for the set-based computation (dashboards.compute): the
    # ledger entry is ``e``, the RuleSet row of its subject ``r``; PostgreSQL and SQLite read them alike
    @staticmethod
    def petition_fails_sql() -> str:
        rank = "CASE {} " + " ".join(f"WHEN '{level}' THEN {i}" for i, level in enumerate(PETITION_LEVELS)) + " END"
        return (
            "(r.petition_any"
            " OR (r.petition_skip_level AND e.is_skip_level)"
            " OR (r.petition_collective AND COALESCE(e.headcount, 0) >= r.collective_headcount)"
            " OR (r.petition_abnormal AND e.is_abnormal)"
            " OR (r.petition_repeat AND e.is_repeat)"
            f" OR (r.petition_level_at_or_above <> '' AND {rank.format('e.level_reached')}"
            f" >= {rank.format('r.petition_level_at_or_above')}))"
        )

    @staticmethod
    def accident_fails_sql() -> str:
        death, serious = AccidentBasis.DEATH, AccidentBasis.SERIOUS
        return (
            f"(r.accident_basis = '{AccidentBasis.ANY}'"
            " OR COALESCE(e.deaths, 0) > 0"
            f" OR (r.accident_basis <> '{death}' AND COALESCE(e.serious_injuries, 0) > 0)"
            f" OR (r.accident_basis NOT IN ('{death}', '{serious}') AND COALESCE(e.injuries, 0) > 0))"
        )

    @staticmethod
    def case_fails_sql() -> str:
        return "(e.kind = '刑事' OR (e.kind = '治安' AND (r.case_any_security OR e.major_influence)))"

    def describe(self) -> list[str]:
        petition = []
        if self.petition_any:
            petition.append("任何信访")
        else:
            if self.petition_skip_level:
                petition.append("越级访")
            if self.petition_collective:
                petition.append(f"集体访（{self.collective_headcount}人及以上）")
            if self.petition_abnormal:
                petition.append("非正常访")
            if self.petition_level_at_or_above:
                petition.append(f"到{self.petition_level_at_or_above}级及以上的信访")
            if self.petition_repeat:
                petition.append("重复访")
        return [
            "零上访：期间无" + "、".join(petition or ["（无条件）"]),
            "零事故：期间无" + self.get_accident_basis_display(),
            "零案件：期间无刑事案件和" + ("任何治安案件" if self.case_any_security else "有重大影响的治安案件"),
        ]


class RuleBook:
    """The latest rule of every (region, group), loaded in one query; ``rule_for(code, group)`` walks
    a subject's region code up (village → township → county → city → province) to the nearest region
    that set its own rules, else the built-in default."""

    PREFIX_LENGTHS = (12, 9, 6, 4, 2)

    def __init__(self, latest: dict[tuple[str | None, str], RuleSet]):
        self.latest = latest
        self._memo: dict[tuple[str, str], RuleSet] = {}

    @classmethod
    def load(cls) -> RuleBook:
        latest: dict[tuple[str | None, str], RuleSet] = {}
        for rule in RuleSet.objects.select_related("region").order_by("version"):
            latest[(rule.region.prefix if rule.region_id else None, rule.group)] = rule
        for group in TargetGroup.values:
            if (None, group) not in latest:
                latest[(None, group)] = RuleSet.default(group)
        return cls(latest)

    def rule_for(self, code: str, group: str) -> RuleSet:
        key = (code, group)
        found = self._memo.get(key)
        if found is None:
            for n in self.PREFIX_LENGTHS:
                found = self.latest.get((code[:n], group))
                if found is not None:
                    break
            else:
                found = self.latest[(None, group)]
            self._memo[key] = found
        return found

    def owner(self, code: str, group: str) -> str | None:
        """The prefix of the region whose rule applies (None: the built-in default)."""
        rule = self.rule_for(code, group)
        return rule.region.prefix if rule.region_id else None


class Target(models.Model):
    """年度目标: the yearly pass rate a region should reach for a group (年度累计 is compared with it)."""

    scope_region_path = "region"
    scope_department_path = None

    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey("units.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="targets")
    group = models.CharField("主体分组", max_length=10, choices=TargetGroup.choices)
    rate = models.DecimalField("目标达标率", max_digits=5, decimal_places=4)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        ordering = ["-year", "region__code", "group"]
        constraints = [
            models.UniqueConstraint(fields=["year", "region", "group"], name="target_year_region_group"),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=1),
                name="target_rate_fraction",
                violation_error_message="目标达标率应在0到100%之间。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region} {self.get_group_display()} {self.rate:.1%}"


#: The foreign keys of the snapshot tables (SubjectMonth, RegionMonth, DepartmentMonth): no database
#: constraint and no index of their own. The rows are derived, written only by dashboards.compute from
#: rows it has just read, and on_delete=PROTECT still guards deletions (Django checks it). At city scale the
#: constraints' deferred checks and the extra indexes were most of a snapshot's write: 56,000 SubjectMonth
#: rows took 4.4 s to insert and 2.7 s more at commit, 1.1 s without them (docs/snapshot-plans.md).
SNAPSHOT_KEY = {"db_constraint": False, "db_index": False}


class SubjectMonth(models.Model):
    """One subject's verdicts for one month (本月) and for the year to date (年度累计)."""

    scope_region_path = "region"
    scope_department_path = "department"  # frozen like the region: a department sees the months it supervised

    subject = models.ForeignKey(
        "units.Subject",
        verbose_name="创建主体",
        on_delete=models.PROTECT,
        related_name="months",
        **SNAPSHOT_KEY,  # the unique (subject, month) serves the lookups by subject
    )
    month = models.DateField("月份")  # the first day of the month
    # frozen at the month: moving the subject later does not rewrite history
    region = models.ForeignKey(
        "units.Region", verbose_name="所属区划", on_delete=models.PROTECT, related_name="+", **SNAPSHOT_KEY
    )
    region_code = models.CharField("区划代码", max_length=15)
    group = models.CharField("主体分组", max_length=10, choices=TargetGroup.choices)
    department = models.ForeignKey(
        "units.Department",
        verbose_name="主管部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **SNAPSHOT_KEY,
    )
    rule = models.ForeignKey(
        RuleSet, verbose_name="规则版本", on_delete=models.PROTECT, related_name="+", **SNAPSHOT_KEY
    )
    petition_ok = models.BooleanField("零上访")
    accident_ok = models.BooleanField("零事故")
    case_ok = models.BooleanField("零案件")
    computed_passed = models.BooleanField("系统判定达标")
    ytd_petition_ok = models.BooleanField("零上访（年度累计）")
    ytd_accident_ok = models.BooleanField("零事故（年度累计）")
    ytd_case_ok = models.BooleanField("零案件（年度累计）")
    ytd_computed_passed = models.BooleanField("系统判定达标（年度累计）")
    # the ledger entries that broke each zero: {"petitions": [ids], "accidents": [...], "cases": [...]}
    failures = models.JSONField("不达标依据", default=dict, blank=True)
    ytd_failures = models.JSONField("不达标依据（年度累计）", default=dict, blank=True)
    # a county user's override of this month's verdict, with a reason (audited)
    override_passed = models.BooleanField("人工认定达标", null=True, blank=True)
    override_reason = models.CharField("认定理由", max_length=300, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="认定人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **SNAPSHOT_KEY,
    )
    override_at = models.DateTimeField("认定时间", null=True, blank=True)
    # a county user's override of the 年度累计 verdict (the one targets and the committee report use);
    # it carries into the later months' 年度累计 (ytd_basis names the month it comes from)
    ytd_override_passed = models.BooleanField("人工认定达标（年度累计）", null=True, blank=True)
    ytd_override_reason = models.CharField("认定理由（年度累计）", max_length=300, blank=True)
    ytd_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="认定人（年度累计）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **SNAPSHOT_KEY,
    )
    ytd_override_at = models.DateTimeField("认定时间（年度累计）", null=True, blank=True)
    ytd_basis = models.DateField("年度累计沿用的认定月份", null=True, blank=True)
    passed = models.BooleanField("达标")  # effective: the override when set, else the computed verdict
    ytd_passed = models.BooleanField("达标（年度累计）")
    computed_at = models.DateTimeField("计算时间")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "主体月度快照"
        verbose_name_plural = "主体月度快照"
        constraints = [models.UniqueConstraint(fields=["subject", "month"], name="subjectmonth_subject_month")]
        indexes = [
            # a month's subtree (month = M AND region_code LIKE 'prefix%'): the computation's delete and
            # its frozen members, the failing-subject lists and the drill-downs (docs/snapshot-plans.md)
            models.Index(
                fields=["month", "region_code"],
                name="subjectmonth_month_code",
                opclasses=["date_ops", "varchar_pattern_ops"],
            ),
            # the few rows with an override: the 年度累计 chain of the later months reads them
            models.Index(
                fields=["month", "subject"],
                name="subjectmonth_overridden",
                condition=Q(override_passed__isnull=False) | Q(ytd_override_passed__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.month:%Y-%m}"

    @property
    def ytd_carried(self) -> bool:
        """The 年度累计 verdict follows an earlier month's override."""
        return self.ytd_basis is not None and self.ytd_basis != self.month


class RegionFigures(models.Model):
    """Counts and rates of one region, group and period (本月 / 年度累计) for one month."""

    scope_region_path = "region"
    scope_department_path = None

    region = models.ForeignKey(
        "units.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+", **SNAPSHOT_KEY
    )  # the unique constraints lead with it (RegionMonth) or with the department and it (DepartmentMonth)
    region_code = models.CharField("区划代码", max_length=15)
    month = models.DateField("月份")
    group = models.CharField("主体分组", max_length=10, choices=GROUP_CHOICES)
    period = models.CharField("统计期", max_length=5, choices=Period.choices)
    total = models.PositiveIntegerField("主体总数", default=0)
    passed = models.PositiveIntegerField("三零达标数", default=0)
    petition_ok = models.PositiveIntegerField("零上访达标数", default=0)
    accident_ok = models.PositiveIntegerField("零事故达标数", default=0)
    case_ok = models.PositiveIntegerField("零案件达标数", default=0)
    target = models.DecimalField("年度目标", max_digits=5, decimal_places=4, null=True, blank=True)
    # ledger statistics of the period (stored on group "all" rows; DESIGN §5)
    disputes_found = models.PositiveIntegerField("矛盾纠纷排查数", default=0)
    disputes_resolved = models.PositiveIntegerField("矛盾纠纷化解数", default=0)
    hazards_found = models.PositiveIntegerField("安全隐患排查数", default=0)
    hazards_rectified = models.PositiveIntegerField("安全隐患整改数", default=0)
    petitions_count = models.PositiveIntegerField("信访件数", default=0)
    petitions_closed = models.PositiveIntegerField("信访办结数", default=0)
    overdue_open = models.PositiveIntegerField("超期未办结数", default=0)
    # 治安问题 found in 排查 and solved (publicorder; after DESIGN §5's ledger statistics)
    public_order_found = models.PositiveIntegerField("治安问题排查数", default=0)
    public_order_solved = models.PositiveIntegerField("治安问题解决数", default=0)
    computed_at = models.DateTimeField("计算时间")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @staticmethod
    def rate_of(numerator: int, denominator: int) -> Rate | None:
        """A rate over an empty denominator is empty, never 0% (DESIGN §5); exact (sanzero.rates)."""
        return Rate.of(numerator, denominator)

    @property
    def rate(self):
        return self.rate_of(self.passed, self.total)

    @property
    def failed(self) -> int:
        return self.total - self.passed

    @property
    def petition_rate(self):
        return self.rate_of(self.petition_ok, self.total)

    @property
    def accident_rate(self):
        return self.rate_of(self.accident_ok, self.total)

    @property
    def case_rate(self):
        return self.rate_of(self.case_ok, self.total)

    @property
    def gap(self):
        """Rate − target from the exact fraction (a rate exactly at its target has gap 0 and meets it)."""
        rate = self.rate
        return None if rate is None else rate.gap_to(self.target)

    @property
    def meets_target(self) -> bool | None:
        rate = self.rate
        return None if rate is None else rate.meets(self.target)

    @property
    def dispute_rate(self):
        return self.rate_of(self.disputes_resolved, self.disputes_found)

    @property
    def hazard_rate(self):
        return self.rate_of(self.hazards_rectified, self.hazards_found)

    @property
    def petition_close_rate(self):
        return self.rate_of(self.petitions_closed, self.petitions_count)

    @property
    def public_order_rate(self):
        return self.rate_of(self.public_order_solved, self.public_order_found)


class RegionMonth(RegionFigures):
    """Every subject of the region (the figures the county signs)."""

    class Meta:
        verbose_name = "区域月度快照"
        verbose_name_plural = "区域月度快照"
        constraints = [
            models.UniqueConstraint(fields=["region", "month", "group", "period"], name="regionmonth_unique")
        ]
        indexes = [
            # a month's subtree (the computation's delete, the incremental update of a region chain)
            models.Index(
                fields=["month", "region_code"],
                name="regionmonth_month_code",
                opclasses=["date_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.month:%Y-%m} {self.group} {self.period}"


class DepartmentMonth(RegionFigures):
    """The same figures for the subjects one department supervises (行业主管部门's dashboard and
    report); written beside RegionMonth by each computation, where the department has subjects."""

    scope_department_path = "department"

    department = models.ForeignKey(
        "units.Department", verbose_name="主管部门", on_delete=models.PROTECT, related_name="+", **SNAPSHOT_KEY
    )

    class Meta:
        verbose_name = "部门区域月度快照"
        verbose_name_plural = "部门区域月度快照"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "region", "month", "group", "period"], name="departmentmonth_unique"
            )
        ]
        indexes = [
            # a department's rows are read through the unique constraint (department, region, month…)
            models.Index(
                fields=["month", "region_code"],
                name="departmentmonth_month_code",
                opclasses=["date_ops", "varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.region_code} {self.month:%Y-%m} {self.group} {self.period}"


def figures_for(user):
    """The region figures a user reads: a department user its own subjects' (DepartmentMonth), everyone
    else all subjects' (RegionMonth); both scoped by ``for_user``."""
    from sanzero.scoping import user_scope

    model = DepartmentMonth if user_scope(user).department_id else RegionMonth
    return model.objects.for_user(user)


class OverrideLog(models.Model):
    """The audit trail of verdict overrides (SubjectMonth rows are rebuilt by each computation)."""

    subject = models.ForeignKey("units.Subject", verbose_name="创建主体", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")
    period = models.CharField("认定范围", max_length=5, choices=Period.choices, default=Period.MONTH)
    passed = models.BooleanField("认定达标", null=True)
    reason = models.CharField("理由", max_length=300)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="认定人", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "人工认定记录"
        verbose_name_plural = "人工认定记录"
        ordering = ["-at"]
        indexes = [models.Index(fields=["subject", "month"], name="overridelog_subject_month")]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.month:%Y-%m} {self.passed}"


class MonthStatus(models.Model):
    """A region's month: 未上报 → 已上报 (township) → 已锁定 (county). Locked months are never recomputed."""

    class Status(models.TextChoices):
        OPEN = "open", "未上报"
        SUBMITTED = "submitted", "已上报"
        LOCKED = "locked", "已锁定"

    scope_region_path = "region"
    scope_department_path = None

    region = models.ForeignKey("units.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.CharField("说明", max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "月度上报与锁定"
        verbose_name_plural = "月度上报与锁定"
        constraints = [models.UniqueConstraint(fields=["region", "month"], name="monthstatus_region_month")]

    def __str__(self) -> str:
        return f"{self.region} {self.month:%Y-%m} {self.get_status_display()}"


class SnapshotJob(BackgroundJob):
    """One requested computation of a month for a region: progress for the page, result kept."""

    class Status(models.TextChoices):
        QUEUED = JobStatus.QUEUED, "排队中"
        RUNNING = JobStatus.RUNNING, "计算中"
        DONE = JobStatus.DONE, "已完成"
        FAILED = JobStatus.FAILED, "失败"
        REFUSED = "refused", "已拒绝"  # the month is locked

    scope_region_path = "region"
    scope_department_path = None

    region = models.ForeignKey("units.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")
    # a range of months (a year): month … last_month; empty: month alone
    last_month = models.DateField("截止月份", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # the summary the job page shows when done (ComputeResult)
    subject_count = models.PositiveIntegerField("计算主体数", null=True, blank=True)
    region_count = models.PositiveIntegerField("计算区划数", null=True, blank=True)
    seconds = models.FloatField("计算用时（秒）", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta(BackgroundJob.Meta):
        verbose_name = "快照计算任务"
        verbose_name_plural = "快照计算任务"

    def __str__(self) -> str:
        return f"{self.region} {self.month:%Y-%m} {self.get_status_display()}"

    @classmethod
    def waiting_q(cls) -> models.Q:
        """A job split into parts (dashboards.fanout) whose county parts still wait in the broker behind
        other work: no worker beats for it meanwhile, but it is not lost (sanzero.jobs.stalled)."""
        return models.Q(parts__status="queued", parts__kind="county")

    @property
    def months(self) -> list[datetime.date]:
        """The months the job computes, in order."""
        out, month = [], self.month
        while month <= (self.last_month or self.month):
            out.append(month)
            month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return out


class SnapshotPart(models.Model):
    """One Celery task of a job split up (dashboards.fanout): a county's subtree for a month, or the rows
    above the counties of that month (summed once the month's counties are written)."""

    class Kind(models.TextChoices):
        COUNTY = "county", "县区"
        ABOVE = "above", "上级汇总"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "计算中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"
        REFUSED = "refused", "已拒绝"

    job = models.ForeignKey(SnapshotJob, verbose_name="任务", on_delete=models.CASCADE, related_name="parts")
    region = models.ForeignKey("units.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份")
    kind = models.CharField("部分", max_length=10, choices=Kind.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    subject_count = models.PositiveIntegerField("计算主体数", null=True, blank=True)
    seconds = models.FloatField("计算用时（秒）", null=True, blank=True)
    message = models.CharField("说明", max_length=300, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "快照计算部分"
        verbose_name_plural = "快照计算部分"
        ordering = ["month", "kind", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["job", "month", "kind", "region"], name="snapshotpart_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id} {self.month:%Y-%m} {self.region_id} {self.kind} {self.status}"


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    nxt = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt - datetime.timedelta(days=1)
