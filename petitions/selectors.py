"""Reads for the petition screens, and the system's 重复访 suggestion."""

from __future__ import annotations

import datetime

from sanzero import crypto


def petition_list(qs):
    return qs.select_related("subject", "subject__region", "agency").with_collective()


def petition_detail(qs):
    return qs.select_related("subject", "subject__region", "subject__department", "created_by").with_collective()


#: the suggestion lists at most this many earlier petitions (the count says how many there are)
REPEAT_LIMIT = 5


def repeat_candidates(scoped, *, id_number_hash: str, received_on: datetime.date, pk: int | None = None):
    """The user's petitions (``scoped``: Petition.objects.for_user) of the same petitioner received
    earlier in the same year, oldest first: matched by the keyed hash of the ID number, never by
    plaintext. What the form and the page suggest as 重复访; the clerk decides if it is the same matter."""
    from .models import earlier_same_petitioner_q

    if not id_number_hash or received_on is None:
        return scoped.none()
    return (
        scoped.filter(earlier_same_petitioner_q(id_number_hash, received_on, pk))
        .select_related("subject")
        .order_by("received_on", "pk")
    )


def id_number_hash_of(value: str) -> str:
    """The keyed hash the petition stores beside an ID number (sanzero.crypto), "" for no number."""
    return crypto.blind_index("id_number", value or "")


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
