from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = "信访"

    def ready(self):
        from ledger.models import ledger_permissions
        from ledger.supervision import register_supervised, register_supervision_panel
        from ledger.views import subject_ledger_section
        from sanzero.registry import NavItem, register_demo_seeder, register_nav, register_subject_section
        from sanzero.roles import register_permissions

        from . import demo, selectors
        from .models import Petition

        register_permissions("petitions.petition", ledger_permissions())
        register_nav(NavItem("信访", "petitions:petition_list", "bi-envelope-paper", order=50, match="/petitions/",
                             group="台账"))
        register_subject_section(subject_ledger_section(Petition, "petitions:petition_list", "信访"))
        register_demo_seeder(demo.seed)
        register_supervised(Petition)
        register_supervision_panel(selectors.agent_panel)
        from sanzero.importing.base import register_kind

        from .imports import PetitionSheet

        register_kind(PetitionSheet())
