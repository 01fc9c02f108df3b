"""Test helpers shared by every app: the role matrix and service requirements (units.testing holds the
small fixture county).

`SANZERO_REQUIRE_SERVICES` (CI sets it, e.g. "postgres,redis,worker,browser") turns a skip for a
missing service into a failure, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import shutil

import pytest

PASSWORD = "Test-pass-2026"


def required_services() -> set[str]:
    return {s.strip() for s in os.environ.get("SANZERO_REQUIRE_SERVICES", "").split(",") if s.strip()}


def need(service: str, available: bool, why: str) -> None:
    """Skip when a service is missing on a bare machine; fail when CI requires it."""
    if available:
        return
    if service in required_services():
        pytest.fail(f"{service} is required here (SANZERO_REQUIRE_SERVICES) but not available: {why}")
    pytest.skip(f"{service} not available: {why}")


def chromium_path() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


ROLE_NAMES = ["admin", "county", "clerk_a", "clerk_b", "grid_a", "dept_edu", "anonymous"]


def check_role_matrix(client_as, url: str, expected: dict[str, int], *, method: str = "get", data=None):
    """Request `url` as every role in `expected` and compare status codes; anonymous must go to login.

    Returns {role: response}. For POSTs nothing may change for a refused role: callers assert the
    database side themselves (the matrix only knows HTTP).
    """
    responses = {}
    mismatches = []
    for role, status in expected.items():
        client = client_as(role)
        response = getattr(client, method)(url, data or {})
        responses[role] = response
        if role == "anonymous" and status == 302:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.startswith("/accounts/login/"):
                mismatches.append(f"{role}: {response.status_code} → {location!r}, expected a login redirect")
            continue
        if response.status_code != status:
            mismatches.append(f"{role}: got {response.status_code}, expected {status}")
    assert not mismatches, f"{method.upper()} {url}: " + "; ".join(mismatches)
    return responses
