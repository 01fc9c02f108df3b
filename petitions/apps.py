from ledger import apps as ledger  # the module, so that Django finds this app's one AppConfig


class PetitionsConfig(ledger.LedgerAppConfig):
    name = "petitions"
    verbose_name = "信访"
    ledgers = (ledger.LedgerSpec("Petition", "信访", "petitions:petition_list", "bi-envelope-paper", order=50),)

    def ready_extra(self):
        from ledger.supervision import register_supervision_panel

        from . import selectors

        register_supervision_panel(selectors.agent_panel)
