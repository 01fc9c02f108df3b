from ledger import apps as ledger  # the module, so that Django finds this app's one AppConfig


class CasesConfig(ledger.LedgerAppConfig):
    name = "cases"
    verbose_name = "刑事/治安案件"
    ledgers = (
        ledger.LedgerSpec("PoliceCase", "案件", "cases:case_list", "bi-shield-exclamation", order=60, supervised=False),
    )
