"""Rate limits of the API: API_THROTTLE_RATE calls per token (120/min by default), counted in the
cache (Redis in production, shared by every process). Past it the answer is 429 with Retry-After."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_rate(self):
        return getattr(settings, "API_THROTTLE_RATE", "120/min")

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return None  # unauthenticated requests are refused before this (401)
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
