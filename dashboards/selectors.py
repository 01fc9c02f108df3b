"""Reads for the dashboards: snapshot tables only (RegionMonth, SubjectMonth, Target, MonthStatus).

No dashboard query touches a ledger table; a test pins the query counts and checks the SQL.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max

from units.models import Region, TargetGroup

from .models import ALL_GROUPS, GROUP_CHOICES, MonthStatus, Period, RegionMonth, SubjectMonth, figures_for

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
    rows = (_rows(user).filter(region__parent=region, month=month, period=period)
            .select_related("region").order_by("region__code"))
    by_region: dict[int, dict] = {}
    for r in rows:
        entry = by_region.setdefault(r.region_id, {"region": r.region, "groups": {}})
        entry["groups"][r.group] = r
    return list(by_region.values())


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


def failing_subjects(*, user, region: Region, month: datetime.date, group: str = "", zero: str = "",
                     period: str = Period.YTD, outcome: str = "failed"):
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
    return qs.select_related("subject", "region", "region__parent", "subject__category").order_by("region_code", "subject__name", "pk")


def month_status(*, region: Region, month: datetime.date) -> MonthStatus | None:
    """The lock on this region, an ancestor or a descendant; else the region's own status row."""
    rows = list(MonthStatus.objects.filter(month=month).select_related("region"))
    for s in rows:
        if s.status == MonthStatus.Status.LOCKED and (
                s.region.code.startswith(region.prefix) or region.code.startswith(s.region.prefix)):
            return s
    return next((s for s in rows if s.region_id == region.pk), None)


def township_statuses(*, region: Region, month: datetime.date) -> dict[int, MonthStatus]:
    return {s.region_id: s for s in MonthStatus.objects.filter(month=month, region__parent=region)}


def available_months(*, region: Region) -> list[datetime.date]:
    """Months computed for the region (for every user: a department may have no subjects in one)."""
    return list(RegionMonth.objects.filter(region=region, group=ALL_GROUPS, period=Period.MONTH)
                .order_by("-month").values_list("month", flat=True)[:36])


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
        records = (model.history.filter(history_date__gt=locked.history_date,
                                        **{f"{model.DATE_FIELD}__gte": month, f"{model.DATE_FIELD}__lte": end},
                                        id__in=visible.values("pk"))
                   .select_related("history_user").order_by("-history_date")[:limit])
        for rec in records:
            changes.append({"when": rec.history_date, "who": rec.history_user.display_name if rec.history_user else "系统",
                            "kind": model._meta.verbose_name, "what": rec.history_change_reason or "修改",
                            "entry_date": getattr(rec, model.DATE_FIELD), "url": f"/{model.URL_PREFIX}/{rec.id}/"})
    changes.sort(key=lambda c: c["when"], reverse=True)
    return status, changes[:limit]
