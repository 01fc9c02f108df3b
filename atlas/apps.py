from django.apps import AppConfig


class AtlasConfig(AppConfig):
    """一张图: the map of a user's scope (subjects coloured by their verdict, open overdue items), drawn
    from region boundaries the administrator imports as GeoJSON and the subjects' own coordinates.
    Everything the map needs is served by this site: no tiles, no request leaves the machine."""

    name = "atlas"
    verbose_name = "一张图"

    def ready(self):
        from sanzero.registry import NavItem, register_demo_seeder, register_nav
        from sanzero.roles import READ_ROLES, Role, register_permissions

        from . import demo

        # boundaries are read by everyone in scope (the map), written by the administrator's import
        register_permissions("atlas.boundary", {"view": READ_ROLES, "change": frozenset({Role.ADMIN})})
        register_nav(NavItem("一张图", "atlas:map", "bi-geo-alt", order=6, match="/map/"))
        register_demo_seeder(demo.seed)
