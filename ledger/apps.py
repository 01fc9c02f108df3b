from django.apps import AppConfig


class LedgerConfig(AppConfig):
    """The ledger framework: the entry base, workflows, base views, forms, tables, filters,
    supervision, sheets and exports that every ledger app (disputes, hazards, …) is built from."""

    name = "ledger"
    verbose_name = "台账框架"
