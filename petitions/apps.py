from ledger import apps as ledger  # the module, so that Django finds this app's one AppConfig


class PetitionsConfig(ledger.LedgerAppConfig):
    name = "petitions"
    verbose_name = "信访"
    ledgers = (ledger.LedgerSpec("Petition", "信访", "petitions:petition_list", "bi-envelope-paper", order=50),)

    def ready_extra(self):
        from sanzero.registry import register_home_task

        from . import views

        # (the 督办 page's 代办 figures are the agency app's: agency.selectors.supervision_panel)
        register_home_task(views.deadline_home_task)
