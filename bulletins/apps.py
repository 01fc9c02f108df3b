from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    """排名通报: the county's monthly ranking bulletin from the snapshot, numbered 第N期 when published and
    kept as published (page, xlsx, PDF). Reads dashboards; dashboards does not know it."""

    name = "bulletins"
    verbose_name = "排名通报"

    def ready(self):
        from sanzero.registry import NavItem, register_demo_seeder, register_home_task, register_nav
        from sanzero.roles import READ_ROLES, register_permissions

        from . import demo, services, views

        register_permissions(
            "bulletins.bulletin",
            {"view": READ_ROLES, "add": services.EDITOR_ROLES, "change": services.EDITOR_ROLES},
        )
        register_nav(
            NavItem("排名通报", "bulletins:index", "bi-megaphone", order=7, match="/bulletins/", group="上报通报")
        )
        register_home_task(views.latest_home_task)
        register_demo_seeder(demo.seed)
