from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = "矛盾纠纷"

    def ready(self):
        from ledger.models import ledger_permissions
        from ledger.supervision import register_supervised
        from ledger.views import subject_ledger_section
        from sanzero.registry import NavItem, register_demo_seeder, register_nav, register_subject_section
        from sanzero.roles import Role, register_permissions

        from . import demo
        from .models import Dispute

        register_permissions("disputes.dispute", ledger_permissions())
        # The mediation ladder is a county setting (DESIGN §6): 县平安办 and administrators only.
        ladder_roles = {Role.ADMIN, Role.COUNTY}
        register_permissions("disputes.mediationlevel",
                             {"view": ladder_roles, "add": ladder_roles, "change": ladder_roles, "delete": ladder_roles})
        register_nav(NavItem("矛盾纠纷", "disputes:dispute_list", "bi-people", order=30, match="/disputes/",
                             group="台账"))
        register_subject_section(subject_ledger_section(Dispute, "disputes:dispute_list", "矛盾纠纷"))
        register_demo_seeder(demo.seed)
        register_supervised(Dispute)
        from sanzero.importing.base import register_kind

        from .imports import DisputeSheet

        register_kind(DisputeSheet())
