from ledger import apps as ledger  # the module, so that Django finds this app's one AppConfig


class DisputesConfig(ledger.LedgerAppConfig):
    name = "disputes"
    verbose_name = "矛盾纠纷"
    ledgers = (ledger.LedgerSpec("Dispute", "矛盾纠纷", "disputes:dispute_list", "bi-people", order=30),)

    def ready_extra(self):
        from sanzero.registry import register_home_task
        from sanzero.roles import Role, register_permissions

        from . import views

        register_home_task(views.escalation_home_task)

        # The mediation ladder is a county setting (DESIGN §6): 县平安办 and administrators only.
        ladder_roles = {Role.ADMIN, Role.COUNTY}
        register_permissions(
            "disputes.mediationlevel",
            {"view": ladder_roles, "add": ladder_roles, "change": ladder_roles, "delete": ladder_roles},
        )
        # 矛盾纠纷排查情况表的报送 (reports/paicha.py): a township clerk hands in its township's table,
        # county staff see every township's and hand in the county's.
        report_roles = {Role.ADMIN, Role.COUNTY, Role.CLERK}
        register_permissions(
            "disputes.disputemonthreport", {"view": report_roles, "add": report_roles, "change": report_roles}
        )
