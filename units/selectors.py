"""Reads for the registry screens. Querysets arrive already scoped by the base views."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from .models import LEVEL_PREFIX_LENGTH, Region, Subject, TargetGroup, active_q


def subject_list(qs):
    """The list page's rows: everything a row shows in one query."""
    return qs.select_related("category", "region", "region__parent", "department")


def subject_detail(qs):
    return qs.select_related("category", "region", "region__parent", "department", "village_region")


def child_level_prefix_length(region: Region) -> int | None:
    """Length of the children's prefixes (None for a grid, which has no children)."""
    lengths = sorted(set(LEVEL_PREFIX_LENGTH.values()))
    own = len(region.prefix)
    bigger = [n for n in lengths if n > own]
    return bigger[0] if bigger else None


def region_children_with_counts(*, user, region: Region) -> list[dict]:
    """The region's children, each with its active subjects by group in its whole subtree.

    Two queries whatever the number of children: the children, and one grouped count over the subtree.
    """
    children = list(Region.objects.for_user(user).filter(parent=region).order_by("code"))
    length = child_level_prefix_length(region)
    counts: dict[tuple[str, str], int] = {}
    if children and length:
        today = timezone.localdate()
        rows = (
            Subject.objects.for_user(user)
            .active_on(today)
            .filter(region__code__startswith=region.prefix)
            .annotate(child_prefix=Substr("region__code", 1, length))
            .values("child_prefix", "category__group")
            .annotate(n=Count("id"))
        )
        for row in rows:
            counts[(row["child_prefix"], row["category__group"])] = row["n"]
    result = []
    for child in children:
        village = counts.get((child.prefix, TargetGroup.VILLAGE), 0)
        unit = counts.get((child.prefix, TargetGroup.UNIT), 0)
        result.append({"region": child, "village": village, "unit": unit, "total": village + unit})
    return result


def region_totals(*, user, region: Region) -> dict:
    today = timezone.localdate()
    agg = (
        Subject.objects.for_user(user)
        .filter(region__code__startswith=region.prefix)
        .aggregate(
            active_village=Count("id", filter=Q(category__group=TargetGroup.VILLAGE) & active_q(today)),
            active_unit=Count("id", filter=Q(category__group=TargetGroup.UNIT) & active_q(today)),
            left=Count("id", filter=Q(left_on__lte=today)),
        )
    )
    agg["active_total"] = agg["active_village"] + agg["active_unit"]
    return agg


def scope_roots(user) -> list[Region]:
    """The top regions a user may browse: all roots for an admin, else the user's scope regions."""
    if user.is_admin_role:
        return list(Region.objects.filter(parent__isnull=True).order_by("code"))
    regions = sorted(user.scope_regions.all(), key=lambda r: r.code)
    return [r for r in regions if not any(r.pk != o.pk and r.code.startswith(o.prefix) for o in regions)]


def default_region_for(user) -> Region | None:
    roots = scope_roots(user)
    return roots[0] if roots else None


def visible_ancestors(user, region: Region) -> list[Region]:
    """The region's ancestors the user may open (for breadcrumbs): at most two queries."""
    ancestors = region.ancestors()
    if not ancestors:
        return []
    visible = set(Region.objects.for_user(user).filter(pk__in=[a.pk for a in ancestors]).values_list("pk", flat=True))
    return [a for a in ancestors if a.pk in visible]


def home_page(*, user) -> dict:
    """The home page's reads: the user's region and its subject totals, the work queue (the cards the
    apps register, sanzero.registry.home_tasks) and the unread notifications. A fixed number of
    queries, however many entries the scope holds (each card pins its own)."""
    from sanzero.registry import home_tasks
    from sanzero.selectors import notification_unread_count

    region = default_region_for(user)
    return {
        "region": region,
        "totals": region_totals(user=user, region=region) if region else None,
        "tasks": home_tasks(user) if region else [],
        "unread": notification_unread_count(user=user),
    }
