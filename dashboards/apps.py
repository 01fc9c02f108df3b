from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "达标统计"

    def ready(self):
        from sanzero.registry import NavItem, register_demo_seeder, register_nav
        from sanzero.roles import READ_ROLES, Role, register_permissions

        county = frozenset({Role.ADMIN, Role.COUNTY})
        for label in ("subjectmonth", "regionmonth", "departmentmonth", "monthstatus"):
            register_permissions(f"dashboards.{label}", {"view": READ_ROLES, "change": county})
        # a recomputation is county staff's work: its job page (and htmx partial) is theirs alone
        register_permissions("dashboards.snapshotjob", {"view": county, "change": county})
        register_permissions("dashboards.target", {"view": READ_ROLES, "add": county, "change": county})
        register_nav(NavItem("达标统计", "dashboards:overview", "bi-graph-up", order=5, match="/dashboard/"))
        from sanzero.registry import register_home_task

        from . import views

        for task in (
            views.submission_home_task,
            views.unsubmitted_home_task,
            views.below_target_home_task,
            views.lock_home_task,
        ):
            register_home_task(task)

        from sanzero.signals import subject_days_changed

        from . import demo, incremental

        subject_days_changed.connect(incremental.collect, dispatch_uid="dashboards.incremental")

        register_demo_seeder(demo.seed)
        from sanzero.importing.base import register_kind

        from .imports import TargetKind

        register_kind(TargetKind())
