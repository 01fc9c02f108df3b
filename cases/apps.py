from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "刑事/治安案件"

    def ready(self):
        from ledger.models import ledger_permissions
        from ledger.views import subject_ledger_section
        from sanzero.registry import NavItem, register_demo_seeder, register_nav, register_subject_section
        from sanzero.roles import register_permissions

        from . import demo
        from .models import PoliceCase

        register_permissions("cases.policecase", ledger_permissions())
        register_nav(NavItem("案件", "cases:case_list", "bi-shield-exclamation", order=60, match="/cases/", group="台账"))
        register_subject_section(subject_ledger_section(PoliceCase, "cases:case_list", "案件"))
        register_demo_seeder(demo.seed)
        from sanzero.importing.base import register_kind

        from .imports import CaseSheet

        register_kind(CaseSheet())
