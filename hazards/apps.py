from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = "安全隐患与事故"

    def ready(self):
        from ledger.models import ledger_permissions
        from ledger.supervision import register_supervised
        from ledger.views import subject_ledger_section
        from sanzero.registry import (
            NavItem,
            register_demo_seeder,
            register_home_task,
            register_nav,
            register_subject_section,
        )
        from sanzero.roles import register_permissions

        from . import demo, views
        from .models import Accident, Hazard
        from .workflow import ACCEPT_ROLES

        register_permissions("hazards.hazard", ledger_permissions())
        register_permissions("hazards.accident", ledger_permissions())
        register_nav(NavItem("安全隐患", "hazards:hazard_list", "bi-exclamation-triangle", order=40, match="/hazards/",
                             group="台账"))
        register_nav(NavItem("待我验收", "hazards:acceptance_queue", "bi-clipboard-check", roles=ACCEPT_ROLES, order=41,
                             match="/hazards/acceptance/", group="台账"))
        register_nav(NavItem("事故", "hazards:accident_list", "bi-fire", order=45, match="/accidents/", group="台账"))
        register_subject_section(subject_ledger_section(Hazard, "hazards:hazard_list", "安全隐患"))
        register_subject_section(subject_ledger_section(Accident, "hazards:accident_list", "事故"))
        register_demo_seeder(demo.seed)
        register_supervised(Hazard)
        register_home_task(views.acceptance_home_task)
        from sanzero.importing.base import register_kind

        from .imports import AccidentSheet, HazardSheet

        register_kind(HazardSheet())
        register_kind(AccidentSheet())
