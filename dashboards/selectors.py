"""Reads for the dashboards: snapshot tables only (RegionMonth, SubjectMonth, Target, MonthStatus).

No dashboard list or chart touches a ledger table; a test pins the query counts and checks the SQL. The
exceptions read a handful of entries for one page: the township's submission summary
(month_submit_summary) counts the entries open and overdue today with each ledger's own overdue()
queryset, scoped to the township; a subject's month (failing_entries) lists the entries its snapshot
recorded; late_changes lists ledger edits made after a lock.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q

from units.models import LEVEL_PREFIX_LENGTH, Region, RegionLevel, TargetGroup

from . import compute
from .models import (
    ALL_GROUPS,
    GROUP_CHOICES,
    MonthStatus,
    OverrideLog,
    Period,
    RegionMonth,
    RuleSet,
    SnapshotJob,
    SnapshotPart,
    SubjectMonth,
    Target,
    figures_for,
)

GROUP_LABELS = dict(GROUP_CHOICES)
ZERO_FIELDS = {"petition": "petition_ok", "accident": "accident_ok", "case": "case_ok"}
ZERO_LABELS = {"petition": "零上访", "accident": "零事故", "case": "零案件"}


def _rows(user):
    """The figures the user reads: a department user its own subjects' (DepartmentMonth), others all."""
    return figures_for(user)


def latest_month(*, user, region: Region) -> datetime.date | None:
    return RegionMonth.objects.filter(region=region).aggregate(m=Max("month"))["m"]


def region_months(*, user, region: Region, month: datetime.date) -> dict[tuple[str, str], RegionMonth]:
    """{(group, period): row} for one region and month."""
    return {(r.group, r.period): r for r in _rows(user).filter(region=region, month=month)}


def year_series(*, user, region: Region, year: int) -> dict[tuple[str, str], list[RegionMonth | None]]:
    """Twelve monthly rows per (group, period) for the trend chart (None where not computed)."""
    series: dict[tuple[str, str], list] = {}
    for row in _rows(user).filter(region=region, month__year=year).order_by("month"):
        series.setdefault((row.group, row.period), [None] * 12)[row.month.month - 1] = row
    return series


def children_months(*, user, region: Region, month: datetime.date, period: str = Period.YTD) -> list[dict]:
    """Each child region's rows for the month (one query), for the drill-down and the ranking."""
    rows = (
        _rows(user)
        .filter(region__parent=region, month=month, period=period)
        .select_related("region")
        .order_by("region__code")
    )
    by_region: dict[int, dict] = {}
    for r in rows:
        entry = by_region.setdefault(r.region_id, {"region": r.region, "groups": {}})
        entry["groups"][r.group] = r
    return list(by_region.values())


def _percent(row: RegionMonth | None, attr: str = "rate") -> float | None:
    """A row's rate as the chart plots it (96.2), None where there is no row or no denominator."""
    value = getattr(row, attr) if row is not None else None
    return None if value is None else float(value.percent(1))


def chart_series(
    *, user, region: Region, month: datetime.date, rows: dict[tuple[str, str], RegionMonth] | None = None
) -> dict:
    """The overview's charts for the month's year: each group's 年度累计 line and (but 全部) its 本月 line,
    one point a month (None for a month not computed, or with no subjects); the targets; and the three
    zeros' 年度累计 rates by group. ``rows`` are the month's region_months, when the page has them."""
    rows = region_months(user=user, region=region, month=month) if rows is None else rows
    series = year_series(user=user, region=region, year=month.year)

    def line(group: str, period: str) -> list[float | None]:
        return [_percent(r) for r in series.get((group, period), [None] * 12)]

    ytd = {g: rows.get((g, Period.YTD)) for g, _ in GROUP_CHOICES}
    return {
        "months": [f"{m}月" for m in range(1, 13)],
        "series": [{"name": f"{label}（年度累计）", "data": line(g, Period.YTD)} for g, label in GROUP_CHOICES]
        + [
            {"name": f"{label}（本月）", "dashed": True, "data": line(g, Period.MONTH)}
            for g, label in GROUP_CHOICES
            if g != ALL_GROUPS
        ],
        "targets": {
            label: float(ytd[g].target * 100)
            for g, label in GROUP_CHOICES
            if ytd[g] is not None and ytd[g].target is not None
        },
        "zeros": {
            "groups": [label for _, label in GROUP_CHOICES],
            "petition": [_percent(ytd[g], "petition_rate") for g, _ in GROUP_CHOICES],
            "accident": [_percent(ytd[g], "accident_rate") for g, _ in GROUP_CHOICES],
            "case": [_percent(ytd[g], "case_rate") for g, _ in GROUP_CHOICES],
        },
    }


#: the ranking's sort keys (?sort=KEY, or -KEY for descending) and what each sorts by
RANK_KEYS = {
    "rate": lambda e: e["all"].rate,
    "village": lambda e: e["village"].rate if e["village"] else None,
    "village_gap": lambda e: e["village"].gap if e["village"] else None,
    "unit": lambda e: e["unit"].rate if e["unit"] else None,
    "unit_gap": lambda e: e["unit"].gap if e["unit"] else None,
    "dispute": lambda e: e["all"].dispute_rate,
    "hazard": lambda e: e["all"].hazard_rate,
    "petition": lambda e: e["all"].petition_close_rate,
    "public_order": lambda e: e["all"].public_order_rate,
    "overdue": lambda e: e["all"].overdue_open,
    "total": lambda e: e["all"].total,
}


def ranking_entries(*, user, region: Region, month: datetime.date, sort: str = "-rate") -> list[dict]:
    """The children of a region with their 年度累计 rows ({region, all, village, unit, below, rank}), in
    the order ``sort`` asks (an unknown key sorts by rate). A child with no value for the key comes
    last, in code order; ties keep code order too. ``rank`` is always by the 三零 rate, highest first
    (ties in code order; a child without a rate ranks last); ``below`` says a group misses its target."""
    key = RANK_KEYS.get(sort.lstrip("-"), RANK_KEYS["rate"])
    entries = []
    for child in children_months(user=user, region=region, month=month):
        groups = child["groups"]
        if ALL_GROUPS not in groups:
            continue
        entry = {
            "region": child["region"],
            "all": groups[ALL_GROUPS],
            "village": groups.get(TargetGroup.VILLAGE),
            "unit": groups.get(TargetGroup.UNIT),
        }
        entry["below"] = any(
            r is not None and r.gap is not None and r.gap < 0 for r in (entry["village"], entry["unit"])
        )
        entries.append(entry)
    for rank, e in enumerate(sorted(entries, key=lambda e: (e["all"].rate is None, -(e["all"].rate or 0))), start=1):
        e["rank"] = rank
    present = [e for e in entries if key(e) is not None]
    missing = [e for e in entries if key(e) is None]
    present.sort(key=key, reverse=sort.startswith("-"))
    return present + missing


@dataclass
class Forecast:
    group: str
    label: str
    rate: Decimal | None
    projected: Decimal | None
    target: Decimal | None

    @property
    def reaches(self) -> bool | None:
        if self.projected is None or self.target is None:
            return None
        return self.projected >= self.target  # a projection exactly at its target reaches it


def forecast(rows: dict[tuple[str, str], RegionMonth], month: datetime.date) -> list[Forecast]:
    """Year-end projection at this year's pace: the share of subjects that failed so far grows in
    proportion to the months elapsed, so projected = 1 − (1 − 年度累计达标率) × 12 ÷ months elapsed."""
    out = []
    elapsed = month.month
    for group in (ALL_GROUPS, *TargetGroup.values):
        row = rows.get((group, Period.YTD))
        rate = row.rate if row else None
        projected = None
        if rate is not None:
            projected = max(Decimal("0"), Decimal("1") - (Decimal("1") - rate.exact) * Decimal(12) / Decimal(elapsed))
        out.append(Forecast(group, GROUP_LABELS[group], rate, projected, row.target if row else None))
    return out


def failing_subjects(
    *,
    user,
    region: Region,
    month: datetime.date,
    group: str = "",
    zero: str = "",
    period: str = Period.YTD,
    outcome: str = "failed",
):
    """The SubjectMonth rows behind a number: failing (or passing) subjects of a region and month."""
    qs = SubjectMonth.objects.for_user(user).filter(month=month, region_code__startswith=region.prefix)
    if group in TargetGroup.values:
        qs = qs.filter(group=group)
    field = ZERO_FIELDS.get(zero)
    if field:
        field = ("ytd_" + field) if period == Period.YTD else field
    else:
        field = "ytd_passed" if period == Period.YTD else "passed"
    wanted = outcome == "passed"
    if outcome in ("passed", "failed"):
        qs = qs.filter(**{field: wanted})
    return qs.select_related("subject", "region", "region__parent", "subject__category").order_by(
        "region_code", "subject__name", "pk"
    )


def month_status(*, region: Region, month: datetime.date) -> MonthStatus | None:
    """The topmost lock on this region, an ancestor or a descendant; else the region's own status row."""
    locked = Q(compute.covering(region), status=MonthStatus.Status.LOCKED)
    rows = MonthStatus.objects.filter(locked | Q(region=region), month=month).select_related("region")
    rows = list(rows.order_by("region__code"))
    return next((s for s in rows if s.status == MonthStatus.Status.LOCKED), None) or next(iter(rows), None)


def state_label(status: MonthStatus | None) -> str:
    """未上报 / 已撤回上报 / 已上报 / 已锁定: an open row with a later version was submitted, then withdrawn."""
    if status is None:
        return MonthStatus.Status.OPEN.label
    if status.status == MonthStatus.Status.OPEN and status.version > 1:
        return "已撤回上报"
    return status.get_status_display()


def townships_of(region: Region):
    """The townships a region's month consists of: itself, its township, or every township below it."""
    if region.level == RegionLevel.TOWNSHIP:
        return Region.objects.filter(pk=region.pk)
    if LEVEL_PREFIX_LENGTH[region.level] > LEVEL_PREFIX_LENGTH[RegionLevel.TOWNSHIP]:
        return Region.objects.filter(level=RegionLevel.TOWNSHIP, code=region.code[:9].ljust(12, "0"))
    return Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=region.prefix)


@dataclass
class TownshipSubmission:
    """One township's month: its status row (None: never touched) and the last change (who, when)."""

    region: Region
    status: MonthStatus | None
    changed_at: datetime.datetime | None = None
    changed_by: str = ""

    @property
    def state(self) -> str:
        return self.status.status if self.status else MonthStatus.Status.OPEN

    @property
    def submitted(self) -> bool:
        return self.state in (MonthStatus.Status.SUBMITTED, MonthStatus.Status.LOCKED)

    @property
    def label(self) -> str:
        return state_label(self.status)


@dataclass
class SubmissionBoard:
    """Which townships of a region have submitted a month: "已上报 7/10"."""

    entries: list[TownshipSubmission]

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def submitted_count(self) -> int:
        return sum(1 for e in self.entries if e.submitted)

    @property
    def unsubmitted(self) -> list[TownshipSubmission]:
        return [e for e in self.entries if not e.submitted]

    def by_child(self, children: list[Region]) -> dict[int, dict]:
        """For each child region: its own entry when it is a township, else its townships' counts."""
        out = {}
        for child in children:
            mine = [e for e in self.entries if e.region.code.startswith(child.prefix)]
            own = next((e for e in mine if e.region.pk == child.pk), None)
            out[child.pk] = {"own": own, "submitted": sum(1 for e in mine if e.submitted), "total": len(mine)}
        return out


def township_submissions(*, region: Region, month: datetime.date) -> SubmissionBoard:
    """The townships of the region (itself when a township) with their status and last change: 3 queries."""
    townships = list(townships_of(region).order_by("code"))
    rows = {s.region_id: s for s in MonthStatus.objects.filter(month=month, region__in=townships)}
    last: dict[int, object] = {}
    if rows:
        for rec in (
            MonthStatus.history.filter(id__in=[s.pk for s in rows.values()])
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
        ):
            last.setdefault(rec.id, rec)
    entries = []
    for t in townships:
        s = rows.get(t.pk)
        rec = last.get(s.pk) if s else None
        entries.append(
            TownshipSubmission(
                t,
                s,
                rec.history_date if rec else None,
                (rec.history_user.display_name if rec.history_user else "") if rec else "",
            )
        )
    return SubmissionBoard(entries)


@dataclass
class SubmitSummary:
    """What a township clerk sees before 确认上报: the snapshot's figures and today's open overdue items."""

    rows: dict[tuple[str, str], RegionMonth]
    overdue: list[dict]
    computed_at: datetime.datetime | None
    stale: bool

    @property
    def has_snapshot(self) -> bool:
        return bool(self.rows)

    @property
    def groups(self) -> list[dict]:
        return [
            {
                "group": g,
                "label": label,
                "month": self.rows.get((g, Period.MONTH)),
                "ytd": self.rows.get((g, Period.YTD)),
            }
            for g, label in GROUP_CHOICES
        ]

    @property
    def stats_month(self) -> RegionMonth | None:
        return self.rows.get((ALL_GROUPS, Period.MONTH))

    @property
    def stats_ytd(self) -> RegionMonth | None:
        return self.rows.get((ALL_GROUPS, Period.YTD))

    @property
    def overdue_total(self) -> int:
        return sum(o["count"] for o in self.overdue)


def month_submit_summary(
    *, user, region: Region, month: datetime.date, now: datetime.datetime | None = None
) -> SubmitSummary:
    """The township's RegionMonth rows, and (the one ledger read of the dashboards) a count per ledger
    of its entries open and overdue today, scoped to the user and the township."""
    from django.utils import timezone

    from ledger.supervision import SUPERVISED

    from .models import month_end

    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = region_months(user=user, region=region, month=month)
    overdue = []
    for model in SUPERVISED:
        count = (
            model.objects.for_user(user).overdue(today).filter(subject__region__code__startswith=region.prefix).count()
        )
        overdue.append(
            {
                "label": model._meta.verbose_name,
                "count": count,
                "url": f"/supervision/?region={region.code}&colour=red&kind={model._meta.label_lower}",
            }
        )
    computed_at = min((r.computed_at for r in rows.values()), default=None)
    # Stale: computed before the month was over, or more than a day ago (entries recorded since are missing).
    stale = computed_at is not None and (
        timezone.localdate(computed_at) <= month_end(month) or now - computed_at > datetime.timedelta(days=1)
    )
    return SubmitSummary(rows, overdue, computed_at, stale)


def available_months(*, region: Region) -> list[datetime.date]:
    """Months computed for the region (for every user: a department may have no subjects in one)."""
    return list(
        RegionMonth.objects.filter(region=region, group=ALL_GROUPS, period=Period.MONTH)
        .order_by("-month")
        .values_list("month", flat=True)[:36]
    )


def late_changes(*, user, region: Region, month: datetime.date, limit: int = 200) -> tuple[MonthStatus | None, list]:
    """Ledger edits dated inside a locked month but made after it was locked (for the county)."""
    from cases.models import PoliceCase
    from disputes.models import Dispute
    from hazards.models import Accident, Hazard
    from petitions.models import Petition

    from .models import month_end

    status = month_status(region=region, month=month)
    if status is None or status.status != MonthStatus.Status.LOCKED:
        return status, []
    locked = status.history.filter(status=MonthStatus.Status.LOCKED).order_by("-history_date").first()
    if locked is None:
        return status, []
    end = month_end(month)
    changes = []
    for model in (Dispute, Hazard, Accident, Petition, PoliceCase):
        visible = model.objects.for_user(user).filter(subject__region__code__startswith=region.prefix)
        records = (
            model.history.filter(
                history_date__gt=locked.history_date,
                **{f"{model.DATE_FIELD}__gte": month, f"{model.DATE_FIELD}__lte": end},
                id__in=visible.values("pk"),
            )
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        )
        for rec in records:
            changes.append(
                {
                    "when": rec.history_date,
                    "who": rec.history_user.display_name if rec.history_user else "系统",
                    "kind": model._meta.verbose_name,
                    "what": rec.history_change_reason or "修改",
                    "entry_date": getattr(rec, model.DATE_FIELD),
                    "url": f"/{model.URL_PREFIX}/{rec.id}/",
                }
            )
    changes.sort(key=lambda c: c["when"], reverse=True)
    return status, changes[:limit]


def failing_entries(row: SubjectMonth) -> dict[str, list[tuple[str, object]]]:
    """The ledger entries behind a subject's failed zeros, by the ids its snapshot recorded (a handful):
    {"month": [(kind, entry)], "ytd": [...]}, each by date; 年度累计 lists only the earlier months'
    entries (this month's are listed already). A period without entries is absent."""
    from cases.models import PoliceCase
    from hazards.models import Accident
    from petitions.models import Petition

    models = {"petitions": Petition, "accidents": Accident, "cases": PoliceCase}
    out: dict[str, list] = {}
    for period, failures in (("month", row.failures), ("ytd", row.ytd_failures)):
        for key, model in models.items():
            ids = failures.get(key) or []
            if period == "ytd":
                ids = [i for i in ids if i not in (row.failures.get(key) or [])]
            if ids:
                out.setdefault(period, []).extend(
                    (key, e) for e in model.objects.filter(pk__in=ids).order_by(model.DATE_FIELD)
                )
    return out


def override_log(*, subject_id: int, month: datetime.date, limit: int = 20):
    """The latest overrides of a subject's month (who, when, which verdict)."""
    return OverrideLog.objects.filter(subject_id=subject_id, month=month).select_related("by")[:limit]


def target_regions(*, user, region: Region) -> list[Region]:
    """The rows of the 年度目标 table: the region, then its children in the user's scope by code."""
    return [region, *Region.objects.for_user(user).filter(parent=region).order_by("code")]


def year_targets(*, year: int, regions: list[Region]) -> dict[tuple[int, str], Target]:
    """{(region id, group): Target} of the year for these regions (their own, not inherited)."""
    return {(t.region_id, t.group): t for t in Target.objects.filter(year=year, region__in=regions)}


def rule_versions(*, region: Region, limit: int = 30):
    """The rule versions that apply to a region or could: the defaults and those of it and its ancestors."""
    return (
        RuleSet.objects.filter(Q(region__isnull=True) | Q(region__in=[*region.ancestors(), region]))
        .select_related("created_by", "region")
        .order_by("group", "-created_at", "-version")[:limit]
    )


def job_parts(job: SnapshotJob) -> list[dict]:
    """Per month: the county parts done of all, and the part above (the job page)."""
    rows: dict[datetime.date, dict] = {}
    for month, kind, status in job.parts.values_list("month", "kind", "status").order_by("month"):
        row = rows.setdefault(month, {"month": month, "done": 0, "total": 0, "above": None, "failed": 0})
        if kind == SnapshotPart.Kind.ABOVE:
            row["above"] = SnapshotPart.Status(status).label
        else:
            row["total"] += 1
            row["done"] += status == SnapshotPart.Status.DONE
            row["failed"] += status in (SnapshotPart.Status.FAILED, SnapshotPart.Status.REFUSED)
    return list(rows.values())
