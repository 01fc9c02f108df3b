from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "区划与创建主体"

    def ready(self):
        from sanzero.importing.base import register_kind
        from sanzero.registry import NavItem, register_nav

        from .imports import RegionKind, SubjectKind

        register_kind(RegionKind())
        register_kind(SubjectKind())

        register_nav(NavItem("首页", "home", "bi-house", order=0, match="/"))
        register_nav(NavItem("创建主体", "units:subject_list", "bi-building", order=10, match="/subjects/"))
        register_nav(NavItem("区划", "units:region_browse_root", "bi-diagram-3", order=20, match="/regions/"))
