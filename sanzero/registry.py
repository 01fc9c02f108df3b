"""Extension points later apps fill in: navigation entries, sections on a subject's page, home to-dos.

An app registers in its AppConfig.ready(); the kernel never imports the ledger apps itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .roles import ALL_ROLES


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    roles: frozenset[str] = ALL_ROLES
    order: int = 100
    match: str = ""  # path prefix that marks the item active
    group: str = ""  # items sharing a group render as one dropdown (e.g. 台账)


NAV_ITEMS: list[NavItem] = []
#: the icon of a dropdown group (its items keep their own icons inside the menu)
NAV_GROUP_ICONS: dict[str, str] = {
    "台账": "bi-journal-text",
    "上报通报": "bi-file-earmark-bar-graph",
    "导入导出": "bi-arrow-down-up",
    "设置": "bi-sliders",
}
SUBJECT_SECTIONS: list[Callable] = []


def register_nav(item: NavItem) -> None:
    if item not in NAV_ITEMS:
        NAV_ITEMS.append(item)
        NAV_ITEMS.sort(key=lambda i: i.order)


def register_subject_section(func: Callable) -> None:
    """func(subject, user) -> dict(title=..., count=..., template=..., context...) or None."""
    if func not in SUBJECT_SECTIONS:
        SUBJECT_SECTIONS.append(func)


def subject_sections(subject, user) -> list[dict]:
    return [s for s in (func(subject, user) for func in SUBJECT_SECTIONS) if s]


DEMO_SEEDERS: list[Callable] = []


def register_demo_seeder(func: Callable) -> None:
    """func(*, rng, subjects, year, users, today) creates one ledger's demo entries; called by seed_demo."""
    if func not in DEMO_SEEDERS:
        DEMO_SEEDERS.append(func)


HOME_TASKS: list[Callable] = []


def register_home_task(func: Callable) -> None:
    """func(user) -> a card of the home page's work queue (待办), or None when it is not the user's:

    ``label``, ``icon``, ``url`` (the filtered list the card counts), ``count`` (int, shown as the
    badge; None for a card that states a state instead), ``state`` (that state's words), ``items``
    (at most a handful of dicts: ``label``, ``url`` (the entry), ``note``, ``colour`` red/yellow per
    DESIGN §6), ``empty`` (the Chinese empty state), ``order`` (cards sort by it; 100 by default).
    A card runs a fixed number of queries, whatever the number of entries.
    """
    if func not in HOME_TASKS:
        HOME_TASKS.append(func)


#: the entries a card lists; its link opens the whole filtered list
HOME_LIMIT = 8


def home_card(
    key: str,
    label: str,
    icon: str,
    url: str,
    items: list[dict],
    *,
    count: int | None,
    empty: str = "",
    order: int = 100,
    **extra,
) -> dict:
    """A work-queue card as register_home_task describes it: the first HOME_LIMIT items, and ``more``
    (how many the card's link shows besides) when ``count`` is known."""
    shown = items[:HOME_LIMIT]
    more = max(0, count - len(shown)) if count is not None else 0
    return {
        "key": key,
        "label": label,
        "icon": icon,
        "url": url,
        "count": count,
        "items": shown,
        "more": more,
        "empty": empty,
        "order": order,
        **extra,
    }


def home_tasks(user) -> list[dict]:
    tasks = [t for t in (func(user) for func in HOME_TASKS) if t]
    return sorted(tasks, key=lambda t: t.get("order", 100))
