"""Test helpers shared by every app: the role matrix, a small fixture county, service requirements.

`SANZERO_REQUIRE_SERVICES` (CI sets it, e.g. "postgres,redis,worker,browser") turns a skip for a
missing service into a failure, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

import pytest

from sanzero.roles import Role

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


@dataclass
class World:
    """A tiny county: township A (two villages) and township B (one village), subjects in each."""

    county: object
    town_a: object
    town_b: object
    village_a: object
    village_a2: object
    village_b: object
    school_a: object
    shop_a: object
    school_b: object
    shop_b: object
    users: dict


def build_world():
    from django.contrib.auth import get_user_model

    from units import services
    from units.accounts import user_create
    from units.models import Category, Department, RegionLevel, Subject

    county = services.region_create(actor=None, code="990121000000", name="测试县", level=RegionLevel.COUNTY, parent=None)
    town_a = services.region_create(actor=None, code="990121100000", name="甲镇", level=RegionLevel.TOWNSHIP, parent=county)
    town_b = services.region_create(actor=None, code="990121101000", name="乙镇", level=RegionLevel.TOWNSHIP, parent=county)
    village_a = services.region_create(actor=None, code="990121100200", name="甲一村", level=RegionLevel.VILLAGE, parent=town_a)
    village_a2 = services.region_create(actor=None, code="990121100001", name="甲城社区", level=RegionLevel.COMMUNITY, parent=town_a)
    village_b = services.region_create(actor=None, code="990121101200", name="乙一村", level=RegionLevel.VILLAGE, parent=town_b)
    school = Category.objects.get(name="学校")
    enterprise = Category.objects.get(name="企业")
    edu = Department.objects.get(name="教育局")
    market = Department.objects.get(name="市场监督管理局")

    def subject(name, category, region, department):
        s = Subject(name=name, category=category, region=region, department=department)
        s.save()
        return s

    school_a = subject("甲镇中心学校", school, town_a, edu)
    shop_a = subject("甲一村超市", enterprise, village_a, market)
    school_b = subject("乙镇中学", school, town_b, edu)
    shop_b = subject("乙一村商店", enterprise, village_b, market)

    users = {}
    for username, role, codes, dept in [
        ("admin", Role.ADMIN, [], ""),
        ("county", Role.COUNTY, [county.code], ""),
        ("clerk_a", Role.CLERK, [town_a.code], ""),
        ("clerk_b", Role.CLERK, [town_b.code], ""),
        ("grid_a", Role.GRID, [village_a.code], ""),
        ("dept_edu", Role.DEPARTMENT, [county.code], "教育局"),
    ]:
        users[username] = user_create(actor=None, username=username, role=role, region_codes=codes,
                                      password=PASSWORD, department_name=dept, check_password_strength=False)
    users["anonymous"] = None
    assert get_user_model().objects.count() == 6
    return World(county, town_a, town_b, village_a, village_a2, village_b, school_a, shop_a, school_b, shop_b, users)


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
