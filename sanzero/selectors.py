"""Reads for the kernel's own pages (the app selectors live beside their apps)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet


def notification_list(*, user) -> QuerySet:
    """The user's notifications, newest first, each with ``is_read`` (theirs) and its region loaded:
    a page of them is one query, however many users have read each."""
    from .models import Notification

    reads = Notification.read_by.through.objects.filter(notification=OuterRef("pk"), user_id=user.pk)
    return (
        Notification.objects.for_user(user)
        .select_related("region")
        .annotate(is_read=Exists(reads))
        .order_by("-created_at", "-pk")
    )


def unread_notifications(user):
    """The notifications in a user's scope that they have not read."""
    from .models import Notification

    return Notification.objects.for_user(user).exclude(read_by=user)


def notification_unread_count(*, user) -> int:
    return unread_notifications(user).count()


def remembered_filters(*, user, list_name: str) -> str:
    """The query string `user` last used on `list_name` ("" when none): one query."""
    from .models import ListPreference

    if not getattr(user, "is_authenticated", False):
        return ""
    return ListPreference.objects.filter(user=user, list_name=list_name).values_list("query", flat=True).first() or ""
