from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The read API under /api/v1/ for the provincial platform and BI tools: token-authenticated, every
    queryset through the same ``for_user`` as the web pages, cursor-paginated, rate-limited, every
    call logged; its OpenAPI schema at /api/v1/schema/."""

    name = "api"
    verbose_name = "数据接口"

    def ready(self):
        from . import schema  # noqa: F401 - registers the token scheme with drf-spectacular
