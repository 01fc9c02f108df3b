"""The Redis cache, tolerant of a Redis outage (the broker's Redis is the cache's too).

Nothing this system caches is the only copy of anything: an import's live progress (the job row has
it too), the holiday calendar's stamp. So when Redis is down a cache read is a miss and a write is
dropped, logged once per outage, instead of a 500 on every page. After a failure the cache is not
asked again for ``RETRY_AFTER`` seconds, so a page with several cache calls waits for at most one
connect timeout (settings: CACHES OPTIONS socket_connect_timeout).
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("sanzero.cache")

RETRY_AFTER = 5.0


class TolerantRedisCache(RedisCache):
    _down_until = 0.0

    def _guard(self, default, call, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            result = call(*args, **kwargs)
        except (RedisError, OSError) as exc:
            if not self._down_until:
                logger.warning("Redis cache unavailable, serving without it: %s", exc)
            self._down_until = time.monotonic() + RETRY_AFTER
            return default
        if self._down_until:
            logger.warning("Redis cache available again")
            self._down_until = 0.0
        return result

    def add(self, key, value, timeout=None, version=None):
        return self._guard(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guard(default, super().get, key, default, version)

    def set(self, key, value, timeout=None, version=None):
        return self._guard(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._guard(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guard(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guard({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guard(False, super().has_key, key, version)

    def set_many(self, data, timeout=None, version=None):
        return self._guard(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guard(None, super().delete_many, keys, version)

    def clear(self):
        return self._guard(False, super().clear)

    def incr(self, key, delta=1, version=None):
        result = self._guard(None, super().incr, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        return result
