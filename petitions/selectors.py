"""Reads for the petition screens, and the per-level 代办 counts the 督办 page uses."""

from django.db.models import Count

from .choices import AgentLevel


def petition_list(qs):
    return qs.select_related("subject", "subject__region").with_collective()


def petition_detail(qs):
    return qs.select_related("subject", "subject__region", "subject__department", "created_by").with_collective()


def agent_counts(qs) -> dict[str, int]:
    """Open petitions (not 已办结) per 代办层级, every level present: {"村": 3, "乡镇": 1, "县": 0}.

    `qs` is already scoped (e.g. Petition.objects.for_user(user)); one query.
    """
    rows = qs.open().exclude(agent_level="").order_by().values("agent_level").annotate(n=Count("pk"))
    counts = dict.fromkeys(AgentLevel.values, 0)
    counts.update({row["agent_level"]: row["n"] for row in rows})
    return counts


def agent_panel(user) -> dict | None:
    """The 督办 page's line of open petitions per 代办层级 (四级书记代办), for the user's scope."""
    from .models import Petition

    counts = agent_counts(Petition.objects.for_user(user))
    if not counts:
        return None
    return {"title": "信访代办（未办结）", "items": [(f"{level}书记代办", n) for level, n in counts.items()]}


def deadline_near(user, today, horizon):
    """Open petitions in scope whose 告知期限 (not yet told, nor answered) or 办结期限 falls on or before
    ``horizon``, those already past it included, each with ``near_due``: the first of the two still
    pending (告知 when the petitioner has not been told). One queryset; the card counts it and lists a page."""
    from django.db.models import Case, F, Q, When

    from .models import Petition

    notify = Q(notified_on__isnull=True, replied_on__isnull=True, notify_due__isnull=False)
    return (
        Petition.objects.for_user(user)
        .open()
        .annotate(near_due=Case(When(notify, then=F("notify_due")), default=F("handle_due")))
        .filter(Q(notify, notify_due__lte=horizon) | Q(handle_due__lte=horizon))
    )
