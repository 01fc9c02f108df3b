"""What the 一张图's tests share: coordinates and outlines for the fixture county, a computed month with
one failing subject, and open overdue items (all at a fixed clock: TODAY)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import time_machine

MONTH = datetime.date(2026, 3, 1)
#: the day the tests look at the map: March computed, the hazards found on 2 March overdue
TODAY = datetime.datetime(2026, 4, 10, 9, 0)

COORDINATES = {
    "shop_a": ("113.110000", "36.110000"),
    "school_a": ("113.120000", "36.120000"),
    "school_b": ("113.310000", "36.110000"),
    "shop_b": ("113.320000", "36.120000"),
}


def square(x: float, y: float, size: float = 0.1) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
    }


def feature(code, geometry, **properties) -> dict:
    return {"type": "Feature", "properties": {"区划代码": code, **properties}, "geometry": geometry}


def county_geojson(world) -> dict:
    """Outlines for the county, both townships and township A's two villages."""
    return {
        "type": "FeatureCollection",
        "features": [
            feature(world.county.code, square(113.0, 36.0, 0.4)),
            feature(world.town_a.code, square(113.0, 36.0, 0.2), name="甲镇"),
            feature(world.town_b.code, square(113.2, 36.0, 0.2), name="乙镇"),
            feature(world.village_a.code, square(113.0, 36.0, 0.1)),
            feature(world.village_a2.code, square(113.1, 36.1, 0.1)),
        ],
    }


def geojson_bytes(document) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode()


def build_map_world(world) -> dict:
    """Outlines and coordinates; March computed with 甲一村超市 failing 零事故 (an injury); open hazards
    past their deadline on 10 April: one at 甲一村超市, two at 甲镇中心学校. Returns the objects made."""
    from atlas.services import boundaries_import
    from dashboards import compute
    from hazards import services as hazard_services
    from units.models import Subject

    result = boundaries_import(actor=None, data=geojson_bytes(county_geojson(world)), filename="测试县.geojson")
    assert result.ok, result.errors
    for name, (lon, lat) in COORDINATES.items():
        Subject.objects.filter(pk=getattr(world, name).pk).update(longitude=Decimal(lon), latitude=Decimal(lat))
    # 甲一村's own subject located, 甲城社区's not
    Subject.objects.filter(village_region=world.village_a).update(
        longitude=Decimal("113.05"), latitude=Decimal("36.05")
    )
    clerk = world.users["clerk_a"]
    day = datetime.date(2026, 3, 2)
    with time_machine.travel(TODAY, tick=False):
        hazard_services.accident_create(
            actor=clerk,
            data={"subject": world.shop_a, "occurred_on": day, "kind": "生产安全", "deaths": 0, "injuries": 1},
        )
        hazards = [
            hazard_services.hazard_create(
                actor=clerk,
                data={"subject": subject, "found_on": day, "category": "消防", "level": "一般", "description": text},
            )
            for subject, text in (
                (world.shop_a, "灭火器过期"),
                (world.school_a, "围墙开裂"),
                (world.school_a, "电线老化"),
            )
        ]
        compute.compute_month(region=world.county, month=MONTH)
    return {"hazards": hazards}
