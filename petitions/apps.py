from ledger import apps as ledger  # the module, so that Django finds this app's one AppConfig


class PetitionsConfig(ledger.LedgerAppConfig):
    name = "petitions"
    verbose_name = "信访"
    ledgers = (ledger.LedgerSpec("Petition", "信访", "petitions:petition_list", "bi-envelope-paper", order=50),)

    def ready_extra(self):
        from ledger.supervision import register_supervision_panel
        from sanzero.registry import register_home_task

        from . import selectors, views

        register_supervision_panel(selectors.agent_panel)
        register_home_task(views.deadline_home_task)
