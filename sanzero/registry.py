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
NAV_GROUP_ICONS: dict[str, str] = {"台账": "bi-journal-text", "导入导出": "bi-arrow-down-up", "设置": "bi-sliders"}
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
    """func(user) -> dict(label=..., count=..., url=..., icon=...) or None: a to-do on the home page."""
    if func not in HOME_TASKS:
        HOME_TASKS.append(func)


def home_tasks(user) -> list[dict]:
    return [t for t in (func(user) for func in HOME_TASKS) if t]
