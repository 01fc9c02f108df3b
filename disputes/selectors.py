import datetime

from django.db.models import Count, Q

from .choices import DisputeStatus
from .models import MediationLevel

#: the 排查情况表's headcount bands (涉及人数): (label, lowest, highest or None)
HEADCOUNT_BANDS = (("50人以下", 1, 49), ("50-100人", 50, 100), ("100-500人", 101, 500), ("500人以上", 501, None))


def dispute_list(qs):
    return qs.select_related("subject", "subject__region", "level")


def dispute_detail(qs):
    return qs.select_related("subject", "subject__region", "level", "created_by")


def ladder() -> list[MediationLevel]:
    """The whole ladder in order: one query, for a page that marks each row's next level."""
    return list(MediationLevel.objects.order_by("order"))


def dispute_escalations(dispute):
    return list(dispute.escalations.select_related("from_level", "to_level", "by").order_by("at", "pk"))


def dispute_visits(dispute):
    return list(dispute.visits.select_related("by").order_by("visited_on", "pk"))


def ladder_with_usage():
    from django.db.models import Count

    return list(MediationLevel.objects.annotate(in_use=Count("disputes")).order_by("order"))


def escalation_due(user, today, levels: list[MediationLevel]):
    """待升级: disputes in scope still 调解中 past their current level's limit, below the ladder's top
    (the top level has nowhere to go: 调解不成 or 移交 instead). ``levels``: the ladder, loaded once."""
    from .models import Dispute

    qs = Dispute.objects.for_user(user).overdue(today)
    if not levels:
        return qs.none()
    return qs.filter(level__order__lt=levels[-1].order)


def paicha_counts(qs, *, month_start: datetime.date, end: datetime.date) -> list[dict]:
    """The 排查情况表's counts of ``qs`` (disputes in scope found from 1 January to ``end``), one dict per
    (纠纷类别, 调处层级), in one grouped query. Each has the month's figures (found from ``month_start``)
    and the year's (…_ytd): 排查 (found), 调处 (mediated: a 调处日期 by ``end``), 调处成功 (resolved:
    已化解 with its 化解日期 by ``end``), 重大, and the month's disputes per headcount band (band_0…)."""
    month = Q(found_on__gte=month_start)
    mediated = Q(mediated_on__isnull=False, mediated_on__lte=end)
    resolved = Q(status=DisputeStatus.RESOLVED, resolved_on__lte=end)
    major = Q(is_major=True)
    bands = {}
    for i, (_, low, high) in enumerate(HEADCOUNT_BANDS):
        band = Q(people_count__gte=low) if high is None else Q(people_count__gte=low, people_count__lte=high)
        bands[f"band_{i}"] = Count("pk", filter=month & band)
    return list(
        qs.order_by()
        .values("category", "handling_tier")
        .annotate(
            found=Count("pk", filter=month),
            found_ytd=Count("pk"),
            mediated=Count("pk", filter=month & mediated),
            mediated_ytd=Count("pk", filter=mediated),
            resolved=Count("pk", filter=month & resolved),
            resolved_ytd=Count("pk", filter=resolved),
            major=Count("pk", filter=month & major),
            major_ytd=Count("pk", filter=major),
            **bands,
        )
    )
