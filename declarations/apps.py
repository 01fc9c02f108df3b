from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    """零报告 (“有事报情况、无事报平安”): townships and reporting villages declare each month; a township's
    上报 waits for its declaration (a check registered with dashboards, which does not import this app)."""

    name = "declarations"
    verbose_name = "零报告"

    def ready(self):
        from dashboards.extensions import register_submit_check, register_submit_panel
        from sanzero.registry import NavItem, register_demo_seeder, register_home_task, register_nav
        from sanzero.roles import Role, register_permissions

        from . import demo, services, views

        viewers = frozenset({Role.ADMIN, Role.COUNTY, Role.CLERK, Role.GRID})
        register_permissions(
            "declarations.declaration",
            {"view": viewers, "add": services.DECLARER_ROLES, "change": services.DECLARER_ROLES},
        )
        register_nav(
            NavItem(
                "零报告",
                "declarations:board",
                "bi-clipboard-check",
                roles=viewers,
                order=6,
                match="/declarations/",
                group="上报通报",
            )
        )
        register_submit_check(services.require_declared)
        register_submit_panel(views.submit_panel)
        register_home_task(views.undeclared_home_task)
        register_demo_seeder(demo.seed)
