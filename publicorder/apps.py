from ledger import apps as ledger  # the module, so that Django finds this app's one AppConfig


class PublicOrderConfig(ledger.LedgerAppConfig):
    name = "publicorder"
    verbose_name = "治安问题"
    ledgers = (
        ledger.LedgerSpec("PublicOrderProblem", "治安问题", "publicorder:problem_list", "bi-shield-check", order=58),
    )
