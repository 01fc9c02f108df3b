"""The ledger framework's app, and the AppConfig every ledger app declares itself with.

A ledger app's apps.py is a `LedgerAppConfig` listing its `LedgerSpec`s; `ready()` registers each
ledger's permissions, navigation entry, section on the subject page and (if it has deadlines) its place
on 督办, the app's demo seeder (demo.seed) and the import sheets its imports.py declares. Nothing in the
kernel or the framework names a ledger app. The app imports this module, not the class
(``from ledger import apps as ledger``): Django takes the one AppConfig class it finds in an apps.py.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import AppConfig


class LedgerConfig(AppConfig):
    """The ledger framework: the entry base, workflows, base views, forms, tables, filters,
    supervision, sheets and exports that every ledger app (disputes, hazards, …) is built from."""

    name = "ledger"
    verbose_name = "台账框架"


@dataclass(frozen=True)
class LedgerSpec:
    model: str  # the model's name in its app, e.g. "PoliceCase"
    title: str  # the navigation label and the subject page's section title, e.g. "案件"
    list_url: str  # e.g. "cases:case_list"
    icon: str = "bi-journal-text"
    order: int = 100  # position in the 台账 menu
    supervised: bool = True  # open entries with deadlines appear on 督办
    #: the role table of this ledger ({action: roles}); None: ledger.models.ledger_permissions() (every
    #: role reads, EDIT_ROLES write). The menu entry is offered to the roles that may view.
    permissions: Mapping[str, frozenset[str]] | None = field(default=None, compare=False, hash=False)


class LedgerAppConfig(AppConfig):
    """Subclass with ``ledgers = (LedgerSpec(...), ...)``; override ``ready_extra`` for anything else."""

    ledgers: tuple[LedgerSpec, ...] = ()

    def ready(self):
        from sanzero.importing.base import register_kind
        from sanzero.registry import (
            NavItem,
            register_demo_seeder,
            register_home_task,
            register_nav,
            register_subject_section,
        )
        from sanzero.roles import ALL_ROLES, register_permissions, role_may

        from .home import deadline_task
        from .imports import LedgerSheet
        from .models import ledger_permissions
        from .supervision import register_supervised
        from .views import subject_ledger_section

        for spec in self.ledgers:
            model = self.get_model(spec.model)
            label = model._meta.label_lower
            register_permissions(label, spec.permissions or ledger_permissions())
            readers = frozenset(role for role in ALL_ROLES if role_may(role, label, "view"))
            register_nav(
                NavItem(
                    spec.title,
                    spec.list_url,
                    spec.icon,
                    roles=readers,
                    order=spec.order,
                    match=f"/{model.URL_PREFIX}/",
                    group="台账",
                )
            )
            register_subject_section(subject_ledger_section(model, spec.list_url, spec.title))
            if spec.supervised:
                register_supervised(model)
                register_home_task(deadline_task)  # 超期与临期 over every supervised ledger: registered once
        demo = _module(f"{self.name}.demo")
        if demo is not None and hasattr(demo, "seed"):
            register_demo_seeder(demo.seed)
        imports = _module(f"{self.name}.imports")
        if imports is not None:
            for _, sheet in inspect.getmembers(imports, inspect.isclass):
                if issubclass(sheet, LedgerSheet) and sheet.__module__ == imports.__name__ and sheet.name:
                    register_kind(sheet())
        self.ready_extra()

    def ready_extra(self) -> None:
        """What this ledger registers besides the common set (a home to-do, a 督办 panel, …)."""


def _module(path: str):
    try:
        return import_module(path)
    except ModuleNotFoundError as exc:
        if exc.name != path:
            raise
        return None
