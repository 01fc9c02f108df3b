from ledger import apps as ledger  # the module, so that Django finds this app's one AppConfig


class HazardsConfig(ledger.LedgerAppConfig):
    name = "hazards"
    verbose_name = "安全隐患与事故"
    ledgers = (
        ledger.LedgerSpec("Hazard", "安全隐患", "hazards:hazard_list", "bi-exclamation-triangle", order=40),
        ledger.LedgerSpec("Accident", "事故", "hazards:accident_list", "bi-fire", order=45, supervised=False),
        ledger.LedgerSpec("HazardListing", "挂牌督办", "hazards:listing_list", "bi-flag", order=42),
    )

    def ready_extra(self):
        from ledger.models import ledger_permissions
        from ledger.supervision import register_supervision_panel
        from sanzero.registry import NavItem, register_home_task, register_nav
        from sanzero.roles import Role, register_permissions

        from . import views
        from .workflow import ACCEPT_ROLES, LIST_ROLES

        # 挂牌 is county staff's; the 五落实 are filled in by the township (its users edit them)
        listing = ledger_permissions()
        register_permissions(
            "hazards.hazardlisting",
            {**listing, "add": LIST_ROLES, "change": listing["change"] | {Role.COUNTY}},
        )
        register_supervision_panel(views.listing_supervision_panel)

        register_nav(
            NavItem(
                "待我验收",
                "hazards:acceptance_queue",
                "bi-clipboard-check",
                roles=ACCEPT_ROLES,
                order=41,
                match="/hazards/acceptance/",
                group="台账",
            )
        )
        register_home_task(views.acceptance_home_task)
