"""The fixture county every app's tests use (conftest.py's ``world``): two townships, three villages,
four subjects and one user per role."""

from __future__ import annotations

from dataclasses import dataclass

from sanzero.roles import Role
from sanzero.testing import PASSWORD


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

    from . import services
    from .models import Category, Department, RegionLevel, Subject

    county = services.region_create(
        actor=None, code="990121000000", name="测试县", level=RegionLevel.COUNTY, parent=None
    )
    town_a = services.region_create(
        actor=None, code="990121100000", name="甲镇", level=RegionLevel.TOWNSHIP, parent=county
    )
    town_b = services.region_create(
        actor=None, code="990121101000", name="乙镇", level=RegionLevel.TOWNSHIP, parent=county
    )
    village_a = services.region_create(
        actor=None, code="990121100200", name="甲一村", level=RegionLevel.VILLAGE, parent=town_a
    )
    village_a2 = services.region_create(
        actor=None, code="990121100001", name="甲城社区", level=RegionLevel.COMMUNITY, parent=town_a
    )
    village_b = services.region_create(
        actor=None, code="990121101200", name="乙一村", level=RegionLevel.VILLAGE, parent=town_b
    )
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
        users[username] = services.user_create(
            actor=None,
            username=username,
            role=role,
            region_codes=codes,
            password=PASSWORD,
            department_name=dept,
            check_password_strength=False,
        )
    users["anonymous"] = None
    assert get_user_model().objects.count() == 6
    return World(county, town_a, town_b, village_a, village_a2, village_b, school_a, shop_a, school_b, shop_b, users)
