"""The reads of the 一张图: what the map of one region (in the user's scope) shows for a month.

Everything is scoped by ``for_user`` (subjects, their snapshots, the ledger entries, the region
figures, the boundaries), so the map holds exactly what the user's lists hold. A fixed number of
queries whatever the number of subjects: one per ledger for the overdue items, the rest constant.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from dashboards.models import ALL_GROUPS, Period, SubjectMonth, figures_for, month_end
from ledger.supervision import SUPERVISED
from units.models import Region, Subject, TargetGroup

from .models import Boundary

#: ?zero= → the verdict a point is coloured by ("" → 三零 itself)
ZEROS = {"": "三零", "petition": "零上访", "accident": "零事故", "case": "零案件"}
_ZERO_FIELDS = {"": "passed", "petition": "petition_ok", "accident": "accident_ok", "case": "case_ok"}
#: the order of a point's values in the JSON (``points``)
POINT_FIELDS = ("id", "name", "lon", "lat", "verdict", "overdue", "region")
#: subjects needing attention (failing, or with overdue items) listed beside the map
ATTENTION_LIMIT = 50


def point_limit() -> int:
    """Above this many subjects in view the map shows only those needing attention (failing or with
    overdue items): a county's or city's thousands of passing points say nothing a colour cannot."""
    return int(getattr(settings, "ATLAS_POINT_LIMIT", 3000))


@dataclass(frozen=True)
class MapFilters:
    month: datetime.date
    zero: str = ""
    group: str = ""
    period: str = Period.MONTH

    @classmethod
    def from_query(cls, query, month: datetime.date) -> MapFilters:
        """The page's filters from its query string; an unknown value is the default, never an error."""
        zero = query.get("zero", "")
        group = query.get("group", "")
        period = query.get("period", Period.MONTH)
        return cls(
            month=month,
            zero=zero if zero in ZEROS else "",
            group=group if group in TargetGroup.values else "",
            period=period if period in Period.values else Period.MONTH,
        )

    @property
    def verdict_field(self) -> str:
        field = _ZERO_FIELDS[self.zero]
        return f"ytd_{field}" if self.period == Period.YTD else field

    @property
    def figure_field(self) -> str:
        return {"": "passed", "petition": "petition_ok", "accident": "accident_ok", "case": "case_ok"}[self.zero]

    def query(self) -> dict[str, str]:
        out = {"month": f"{self.month:%Y-%m}"}
        if self.zero:
            out["zero"] = self.zero
        if self.group:
            out["group"] = self.group
        if self.period != Period.MONTH:
            out["period"] = self.period
        return out


def subjects_in_view(*, user, region: Region, filters: MapFilters):
    """The subjects the map counts: in the user's scope and the region, in the campaign on the month's
    last day (today for the current month), of the chosen group."""
    day = min(month_end(filters.month), timezone.localdate())
    qs = Subject.objects.for_user(user).in_region(region).active_on(day)
    if filters.group:
        qs = qs.filter(category__group=filters.group)
    return qs


def overdue_counts(*, user, subjects, today: datetime.date) -> tuple[Counter, Counter]:
    """Open entries past their deadline today, per subject id and per subject's region code (one query
    per supervised ledger, each through the ledger's own ``for_user``)."""
    by_subject: Counter = Counter()
    by_code: Counter = Counter()
    for model in SUPERVISED:
        rows = (
            model.objects.for_user(user)
            .overdue(today)
            .filter(subject__in=subjects)
            .values("subject_id", "subject__region__code")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            by_subject[row["subject_id"]] += row["n"]
            by_code[row["subject__region__code"]] += row["n"]
    return by_subject, by_code


def _feature(code: str, geometry: dict) -> dict:
    return {"type": "Feature", "properties": {"name": code}, "geometry": geometry}


def map_data(*, user, region: Region, filters: MapFilters, focus: int | None = None) -> dict:
    """The JSON the map page draws: the areas (the region's children, or the region itself) with their
    rates and overdue counts and outlines, the subjects as points coloured by the verdict, and the
    subjects needing attention."""
    today = timezone.localdate()
    subjects = subjects_in_view(user=user, region=region, filters=filters)
    field = filters.verdict_field
    verdicts = SubjectMonth.objects.for_user(user).filter(month=filters.month, subject__in=subjects)
    tally = verdicts.aggregate(
        n_computed=Count("pk"),
        n_passed=Count("pk", filter=Q(**{field: True})),
        n_failed=Count("pk", filter=Q(**{field: False})),
    )
    total = subjects.count()
    overdue, overdue_by_code = overdue_counts(user=user, subjects=subjects, today=today)
    limited = total > point_limit()
    rows = subjects
    if limited:
        wanted = Q(pk__in=verdicts.filter(**{field: False}).values("subject_id")) | Q(pk__in=list(overdue))
        if focus:
            wanted |= Q(pk=focus)
        rows = subjects.filter(wanted)
        verdicts = verdicts.filter(subject__in=rows.values("pk"))
    verdict_of = dict(verdicts.values_list("subject_id", field))
    rows = rows.values_list("pk", "name", "longitude", "latitude", "region__name").order_by("region__code", "name")
    points, attention, located = [], [], 0
    focus_found = False
    for pk, name, lon, lat, region_name in rows:
        verdict = verdict_of.get(pk)
        verdict_code = None if verdict is None else int(bool(verdict))
        n = overdue.get(pk, 0)
        focus_found = focus_found or pk == focus
        if lon is not None and lat is not None:
            located += 1
            points.append([pk, name, float(lon), float(lat), verdict_code, n, region_name])
        if verdict_code == 0 or n:
            attention.append(
                {
                    "id": pk,
                    "name": name,
                    "region": region_name,
                    "verdict": verdict_code,
                    "overdue": n,
                    "located": lon is not None,
                }
            )
    attention.sort(key=lambda a: (-a["overdue"], a["verdict"] if a["verdict"] is not None else 2, a["name"]))
    areas, features = _areas(user=user, region=region, filters=filters, overdue_by_code=overdue_by_code)
    return {
        "region": {"code": region.code, "name": region.name, "level": region.get_level_display()},
        "month": f"{filters.month:%Y-%m}",
        "period": filters.period,
        "zero": filters.zero,
        "zero_label": ZEROS[filters.zero],
        "group": filters.group,
        "counts": {
            "subjects": total,
            "computed": tally["n_computed"],
            "passed": tally["n_passed"],
            "failed": tally["n_failed"],
            "uncomputed": max(0, total - tally["n_computed"]),
            "overdue_subjects": len(overdue),
            "overdue_items": sum(overdue.values()),
            "points": len(points),
            "unlocated": (total - located) if not limited else None,
        },
        "limited": limited,
        "point_limit": point_limit(),
        "point_fields": list(POINT_FIELDS),
        "points": points,
        "attention": attention[:ATTENTION_LIMIT],
        "attention_total": len(attention),
        "areas": areas,
        "map": {"type": "FeatureCollection", "features": features} if features else None,
        "focus": focus if focus_found else None,
        "urls": {
            "subject": reverse("units:subject_detail", args=[0]).replace("/0/", "/{id}/"),
            "subject_month": reverse("dashboards:subject_month", args=[0, f"{filters.month:%Y-%m}"]).replace(
                "/0/", "/{id}/"
            ),
            "map": reverse("atlas:map"),
        },
    }


def _areas(*, user, region: Region, filters: MapFilters, overdue_by_code: Counter) -> tuple[list[dict], list[dict]]:
    """The region's children in scope with their figures for the month (rate of the chosen zero and
    group), overdue counts and outlines; a region without children is its own single area."""
    children = list(Region.objects.for_user(user).filter(parent=region).order_by("code"))
    drillable = bool(children)
    areas_regions = children or [region]
    figures = {
        f.region_id: f
        for f in figures_for(user).filter(
            month=filters.month,
            period=filters.period,
            group=filters.group or ALL_GROUPS,
            region__in=areas_regions,
        )
    }
    outlines = dict(
        Boundary.objects.for_user(user).filter(region__in=areas_regions).values_list("region__code", "geometry")
    )
    if not outlines and drillable:  # no child has an outline yet: draw the region's own
        own = Boundary.objects.for_user(user).filter(region=region).values_list("geometry", flat=True).first()
        if own is not None:
            outlines = {region.code: own}
    field = filters.figure_field
    areas = []
    for r in areas_regions:
        f = figures.get(r.pk)
        ok = getattr(f, field) if f else None
        rate = f.rate_of(ok, f.total) if f else None
        areas.append(
            {
                "code": r.code,
                "name": r.name,
                "drill": drillable,
                "total": f.total if f else None,
                "passed": ok,
                "failed": (f.total - ok) if f else None,
                "rate": None if rate is None else float(rate.percent()),
                "rate_text": "—" if rate is None else f"{rate.percent()}%",
                "overdue": sum(n for code, n in overdue_by_code.items() if code.startswith(r.prefix)),
                "outline": r.code in outlines,
            }
        )
    features = [_feature(code, geometry) for code, geometry in outlines.items()]
    return areas, features
