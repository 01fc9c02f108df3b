"""How the OpenAPI schema (drf-spectacular) describes the token authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "系统管理员在后台“接口令牌”中创建的令牌：Authorization: Bearer <令牌>。",
        }
