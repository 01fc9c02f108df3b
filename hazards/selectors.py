from django.db.models import Q

from sanzero.roles import Role
from sanzero.scoping import user_scope

from .choices import HazardStatus
from .models import Hazard
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
        .order_by("rectified_on", "pk")
    )
