"""The home page's work-queue cards of the ledger framework (sanzero.registry.register_home_task).

Every card runs a fixed number of queries (a count and, when there is something, one page of rows per
ledger), however many entries the user's scope holds.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from sanzero.models import DeadlineSettings
from sanzero.registry import HOME_LIMIT, home_card


def deadline_note(due: datetime.date | None, today: datetime.date) -> str:
    """超期3天 / 今日到期 / 2天后到期 (calendar days, as on 督办)."""
    if due is None:
        return ""
    if due < today:
        return f"超期{(today - due).days}天"
    if due == today:
        return "今日到期"
    return f"{(due - today).days}天后到期"


def deadline_item(entry, today: datetime.date, *, due=None, what: str = "") -> dict:
    """One line of a card: the entry (linked), its ledger, and how its deadline stands."""
    due = entry.due_on if due is None else due
    colour = "red" if due < today else "yellow"
    return {
        "label": str(entry),
        "kind": str(entry._meta.verbose_name),
        "url": entry.get_absolute_url(),
        "note": f"{what}{'：' if what else ''}{deadline_note(due, today)}（期限 {due:%Y-%m-%d}）",
        "colour": colour,
        "due": due,
    }


def deadline_task(user) -> dict | None:
    """超期与临期: the open entries in the user's scope past their deadline (red) or due within the
    county's 临期提醒 days (yellow), most urgent first, over every supervised ledger (as 督办)."""
    from .supervision import SUPERVISED

    today = timezone.localdate()
    warn_days = DeadlineSettings.current().warn_days
    horizon = today + datetime.timedelta(days=warn_days)
    red = yellow = 0
    items: list[dict] = []
    for model in SUPERVISED:
        qs = model.objects.for_user(user).open().filter(due_on__lte=horizon)
        counts = qs.aggregate(
            red=Count("pk", filter=Q(due_on__lt=today)), yellow=Count("pk", filter=Q(due_on__gte=today))
        )
        red += counts["red"]
        yellow += counts["yellow"]
        if counts["red"] or counts["yellow"]:
            rows = qs.select_related("subject").order_by("due_on", "pk")[:HOME_LIMIT]
            items.extend(deadline_item(entry, today) for entry in rows)
    items.sort(key=lambda i: (i["due"], i["kind"]))
    url = reverse("supervision")
    return home_card(
        "deadlines",
        "超期与临期台账",
        "bi-alarm",
        url,
        items,
        count=red + yellow,
        empty=f"没有超期或{warn_days}天内到期的未办结台账。",
        order=10,
        links=[
            {"label": f"超期 {red}", "url": f"{url}?colour=red", "colour": "red"},
            {"label": f"临期 {yellow}", "url": f"{url}?colour=yellow", "colour": "yellow"},
        ],
    )


def periodic_task(
    user,
    model,
    *,
    key: str,
    label: str,
    icon: str,
    list_url: str,
    what: str,
    empty: str,
    order: int = 40,
) -> dict | None:
    """A card of one ledger whose deadline is a recurring duty (走访 a 重点人员, 检查 a 重点场所): its open
    entries in the user's scope past their next due date (red) or due within the 临期提醒 days (yellow),
    most urgent first, for the roles that do the duty (change permission); two queries at most.
    ``what`` names the duty in each line (走访：超期3天…); ``empty`` is the sentence when nothing is due."""
    from sanzero.scoping import user_may

    if not user_may(user, model, "change"):
        return None
    today = timezone.localdate()
    warn_days = DeadlineSettings.current().warn_days
    qs = model.objects.for_user(user).open().filter(due_on__lte=today + datetime.timedelta(days=warn_days))
    counts = qs.aggregate(red=Count("pk", filter=Q(due_on__lt=today)), yellow=Count("pk", filter=Q(due_on__gte=today)))
    items = []
    if counts["red"] or counts["yellow"]:
        rows = qs.select_related("subject").order_by("due_on", "pk")[:HOME_LIMIT]
        items = [deadline_item(entry, today, what=what) for entry in rows]
    url = reverse(list_url)
    return home_card(
        key,
        label,
        icon,
        f"{url}?deadline=overdue" if counts["red"] else f"{url}?deadline=soon",
        items,
        count=counts["red"] + counts["yellow"],
        empty=empty.format(warn_days=warn_days),
        order=order,
        links=[
            {"label": f"逾期 {counts['red']}", "url": f"{url}?deadline=overdue", "colour": "red"},
            {"label": f"临期 {counts['yellow']}", "url": f"{url}?deadline=soon", "colour": "yellow"},
        ],
    )
