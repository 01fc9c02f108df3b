from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The county committee report (DESIGN §7): the 报表 page and export_report, read from the
    dashboards' monthly snapshots. Reports import dashboards, never the other way round."""

    name = "reports"
    verbose_name = "报表"

    def ready(self):
        from sanzero.registry import NavItem, register_nav

        from .builder import REPORT_ROLES

        register_nav(
            NavItem(
                "报表",
                "reports:index",
                "bi-file-earmark-spreadsheet",
                order=8,
                match="/reports/",
                group="上报通报",
                roles=frozenset(REPORT_ROLES),
            )
        )
