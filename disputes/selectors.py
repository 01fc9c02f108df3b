from .models import MediationLevel


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
