"""Token authentication of the API: ``Authorization: Bearer <key>`` (or ``Token <key>``).

The token acts as its user: a revoked or expired token, or one whose user is inactive, is refused
(401). Failed attempts are counted per address; past API_AUTH_FAILURE_RATE a guesser gets 429.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from rest_framework import authentication, exceptions

from .models import ApiToken
from .services import api_token_touch, hash_key

KEYWORDS = ("bearer", "token")
MISSING = "需要接口令牌：请在请求头中提供 Authorization: Bearer <令牌>。"
INVALID = "接口令牌无效、已过期或已被吊销。"


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _failure_limit() -> tuple[int, int]:
    """API_AUTH_FAILURE_RATE "20/min" → (20, 60)."""
    rate = getattr(settings, "API_AUTH_FAILURE_RATE", "20/min")
    count, _, period = rate.partition("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[:1]]


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in KEYWORDS:
            return None  # no credentials: NotAuthenticated (401) from the permission check
        ip = client_ip(request)
        self._check_failures(ip)
        if len(header) != 2:
            self._failed(ip)
            raise exceptions.AuthenticationFailed(INVALID)
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            self._failed(ip)
            raise exceptions.AuthenticationFailed(INVALID) from None
        token = (
            ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first() if len(key) <= 200 else None
        )
        if token is None or not token.is_usable or not token.user.is_active:
            self._failed(ip)
            raise exceptions.AuthenticationFailed(INVALID)
        api_token_touch(token)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'

    @staticmethod
    def _key(ip) -> str:
        return f"api:authfail:{ip}"

    def _check_failures(self, ip) -> None:
        limit, period = _failure_limit()
        if (cache.get(self._key(ip)) or 0) >= limit:
            raise exceptions.Throttled(wait=period - 1, detail="认证失败次数过多")

    def _failed(self, ip) -> None:
        _, period = _failure_limit()
        key = self._key(ip)
        if not cache.add(key, 1, timeout=period):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=period)
