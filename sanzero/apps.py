from django.apps import AppConfig


class SanzeroConfig(AppConfig):
    name = "sanzero"
    verbose_name = "系统"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401 - registers the deploy checks
        from .models import record_last_login

        # Users are audited (simple-history); Django's own last-login receiver saves the whole user
        # and would add an empty 修改 entry to the history at every login.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="sanzero_record_last_login")

        from .registry import NavItem, register_nav
        from .roles import Role

        register_nav(NavItem("督办", "supervision", "bi-alarm", order=65, match="/supervision/"))
        register_nav(NavItem("通知", "notifications", "bi-bell", order=80, match="/notifications/"))
        register_nav(
            NavItem("下载中心", "exporting:index", "bi-download", order=76, match="/exports/", group="导入导出")
        )
        register_nav(
            NavItem(
                "导入",
                "importing:index",
                "bi-upload",
                order=75,
                match="/imports/",
                group="导入导出",
                roles=frozenset({Role.ADMIN, Role.COUNTY, Role.CLERK, Role.GRID}),
            )
        )
        register_nav(
            NavItem(
                "期限设置",
                "deadline_settings",
                "bi-sliders",
                order=90,
                match="/settings/deadlines/",
                roles=frozenset({Role.ADMIN, Role.COUNTY}),
                group="设置",
            )
        )
        register_nav(
            NavItem(
                "节假日安排",
                "holidays:index",
                "bi-calendar3",
                order=91,
                match="/settings/holidays/",
                roles=frozenset({Role.ADMIN, Role.COUNTY}),
                group="设置",
            )
        )

        register_nav(
            NavItem(
                "个人信息访问记录",
                "access_log",
                "bi-shield-lock",
                order=92,
                match="/settings/access-log/",
                roles=frozenset({Role.ADMIN, Role.COUNTY}),
                group="设置",
            )
        )

        from .holidays.importing import register as register_holiday_import

        register_holiday_import()
