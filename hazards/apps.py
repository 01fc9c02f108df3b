from ledger import apps as ledger  # the module, so that Django finds this app's one AppConfig


class HazardsConfig(ledger.LedgerAppConfig):
    name = "hazards"
    verbose_name = "安全隐患与事故"
    ledgers = (
        ledger.LedgerSpec("Hazard", "安全隐患", "hazards:hazard_list", "bi-exclamation-triangle", order=40),
        ledger.LedgerSpec("Accident", "事故", "hazards:accident_list", "bi-fire", order=45, supervised=False),
    )

    def ready_extra(self):
        from sanzero.registry import NavItem, register_home_task, register_nav

        from . import views
        from .workflow import ACCEPT_ROLES

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
