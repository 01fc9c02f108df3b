from django.apps import AppConfig


class AgencyConfig(AppConfig):
    """四级书记代办: the secretaries' 代办 records of petitions and disputes (seed 003, 长治)."""

    name = "agency"
    verbose_name = "书记代办"

    def ready(self):
        from ledger.supervision import register_supervision_panel
        from ledger.views import register_entry_card
        from sanzero.registry import NavItem, register_demo_seeder, register_nav
        from sanzero.roles import EDIT_ROLES, READ_ROLES, register_permissions

        from . import demo, selectors, views

        # Recorded by whoever enters the ledgers (clerks, grid workers); read by every role in scope.
        register_permissions("agency.agency", {"view": READ_ROLES, "add": EDIT_ROLES, "change": EDIT_ROLES})
        register_nav(
            NavItem("书记代办", "agency:agency_list", "bi-person-badge", order=55, match="/agency/", group="台账")
        )
        register_supervision_panel(selectors.supervision_panel)
        register_entry_card(views.matter_card)
        register_demo_seeder(demo.seed)
