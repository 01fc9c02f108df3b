import uuid

import pytest


@pytest.fixture(autouse=True)
def _own_rate_counters(settings):
    """Rate limits and failed-token counters live in the cache, which outlives a test's database: each
    API test counts in a cache of its own (never flushing a shared Redis)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"api-{uuid.uuid4()}"}
    }
