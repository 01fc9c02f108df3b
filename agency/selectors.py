"""Reads of the 书记代办 screens: the list, the figures as 长治 publishes them, the 督办 panel and the
card on a petition's or a dispute's page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from .choices import AgencyOutcome, AgencySource, AgencyStatus, SecretaryLevel
from .models import Agency


def agency_list(qs):
    return qs.select_related(
        "petition__subject__region__parent",
        "dispute__subject__region__parent",
    )


def agency_detail(qs):
    return qs.select_related("petition__subject__region__parent", "dispute__subject__region__parent", "created_by")


@dataclass(frozen=True)
class AgencyFigures:
    """长治's way of counting (seed 003): 列入代办 = 上级交办 taken on + 本级自查; by the secretary's level."""

    total: int  # 列入“四级书记”代办事项
    assigned: int  # 上级交办 (taken on or not)
    assigned_taken: int  # 其中纳入代办
    self_check: int  # 本级自查
    by_level: dict[str, int]  # 市委/县委/乡镇(街道)/村(社区)书记代办, taken-on records only
    petitions: int  # of the total: 信访事项
    disputes: int  # of the total: 矛盾纠纷
    done: int  # of the total: 已办结
    resolved: int  # of those: 已解决

    @property
    def levels(self) -> list[tuple[str, str, int]]:
        """(value, label, count) from the highest secretary down, as the article lists them."""
        return [(v, SecretaryLevel(v).label, self.by_level[v]) for v in reversed(SecretaryLevel.values)]


def agency_figures(qs) -> AgencyFigures:
    """The figures of the records in ``qs`` (already scoped and narrowed to a region and a period): one query."""
    taken = Q(included=True)
    row = qs.order_by().aggregate(
        total=Count("pk", filter=taken),
        assigned=Count("pk", filter=Q(source=AgencySource.ASSIGNED)),
        assigned_taken=Count("pk", filter=taken & Q(source=AgencySource.ASSIGNED)),
        self_check=Count("pk", filter=taken & Q(source=AgencySource.SELF_CHECK)),
        petitions=Count("pk", filter=taken & Q(petition__isnull=False)),
        disputes=Count("pk", filter=taken & Q(dispute__isnull=False)),
        done=Count("pk", filter=Q(status=AgencyStatus.DONE)),
        resolved=Count("pk", filter=Q(status=AgencyStatus.DONE, outcome=AgencyOutcome.RESOLVED)),
        **{f"level_{v}": Count("pk", filter=taken & Q(level=v)) for v in SecretaryLevel.values},
    )
    by_level = {v: row.pop(f"level_{v}") for v in SecretaryLevel.values}
    return AgencyFigures(by_level=by_level, **row)


def open_counts(user) -> dict[str, int]:
    """Records still 代办中 per secretary level, in the user's scope: one query."""
    rows = (
        Agency.objects.for_user(user)
        .filter(status=AgencyStatus.HANDLING)
        .order_by()
        .values("level")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(SecretaryLevel.values, 0)
    counts.update({row["level"]: row["n"] for row in rows if row["level"] in counts})
    return counts


def supervision_panel(user) -> dict | None:
    """The 督办 page's line of matters still 代办中 per secretary level (四级书记代办)."""
    counts = open_counts(user)
    if not any(counts.values()) and not Agency.objects.for_user(user).exists():
        return None
    return {
        "title": "书记代办（代办中）",
        "items": [(SecretaryLevel(level).label + "代办", n) for level, n in reversed(list(counts.items()))],
    }


def agency_of_matter(user, matter):
    """The record of a petition or a dispute the user sees, or None (hidden from an accused department)."""
    return Agency.objects.for_user(user).filter(**{matter._meta.model_name: matter}).first()
