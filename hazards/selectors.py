import datetime

from django.db.models import Count, Q
from django.utils import timezone

from sanzero.roles import Role
from sanzero.scoping import user_scope

from .choices import LISTING_ACTIVE, HazardStatus, ListingStatus
from .models import Hazard, HazardListing
from .workflow import ACCEPT_ROLES


def hazard_list(qs):
    return qs.select_related("subject", "subject__region")


def hazard_detail(qs):
    return qs.select_related("subject", "subject__region", "rectified_by", "accepted_by", "created_by")


def accident_list(qs):
    return qs.select_related("subject", "subject__region")


def may_accept(user) -> bool:
    """Whether the user's role may accept hazards at all (ACCEPT_ROLES; scope and guard aside)."""
    role = user_scope(user).role
    return role == Role.ADMIN or role in ACCEPT_ROLES


def acceptance_queue(user):
    """待我验收: hazards awaiting acceptance in the user's scope that this user may accept, oldest
    rectification first. It leaves out what the accept step's guard refuses, the user's own
    rectifications (workflow.not_the_rectifier); a role outside ACCEPT_ROLES gets none."""
    if not may_accept(user):
        return Hazard.objects.none()
    return (
        Hazard.objects.for_user(user)
        .filter(status=HazardStatus.AWAITING)
        .filter(Q(rectified_by__isnull=True) | ~Q(rectified_by=user))
        .exclude(listings__status__in=LISTING_ACTIVE)  # accepted through their listing (workflow.not_listed)
        .order_by("rectified_on", "pk")
    )


def listing_list(qs):
    return qs.select_related("subject", "subject__region", "hazard")


def listing_detail(qs):
    return qs.select_related(
        "subject", "subject__region", "hazard", "created_by", "rectified_by", "reviewed_by", "accepted_by"
    )


def active_listing(hazard) -> HazardListing | None:
    """The hazard's listing in force, if any (one query)."""
    return hazard.listings.filter(status__in=LISTING_ACTIVE).first()


def published_listings(user, tier: str, year: int):
    """A tier's published list for a year: its listings in the user's scope that were in force at some
    time of the year (listed by its end, not delisted before it), oldest first."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (
        HazardListing.objects.for_user(user)
        .filter(tier=tier, listed_on__lte=end)
        .filter(Q(delisted_on__isnull=True) | Q(delisted_on__gte=start))
        .select_related("subject", "subject__region", "subject__region__parent", "hazard")
        .order_by("listed_on", "pk")
    )


def listing_counts(user) -> dict:
    """督办's panel: listings in force per tier, overdue ones, ones with a 督办函 (one query)."""
    today = timezone.localdate()
    rows = (
        HazardListing.objects.for_user(user)
        .filter(status__in=LISTING_ACTIVE)
        .values("tier")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(status=ListingStatus.SUPERVISING, due_on__lt=today)),
            lettered=Count("pk", filter=Q(letters_count__gt=0)),
        )
    )
    return {r["tier"]: r for r in rows}
