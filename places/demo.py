"""Demo key places for seed_demo: about 150 for a county, most inspected on time, some overdue."""

from __future__ import annotations

import datetime

from simple_history.utils import bulk_create_with_history

from sanzero.models import DeadlineSettings

from .choices import DEFAULT_INSPECT_DAYS, PlaceCategory, RiskLevel
from .models import KeyPlace, PlaceInspection

NAMES = {
    PlaceCategory.ENTERTAINMENT: ("{v}欢乐KTV", "{v}台球室"),
    PlaceCategory.HOTEL: ("{v}宾馆", "{v}农家旅舍"),
    PlaceCategory.INTERNET_CAFE: ("{v}网吧",),
    PlaceCategory.FUEL: ("{v}加油站", "{v}液化气供应点"),
    PlaceCategory.CHEMICALS: ("{v}农资仓库",),
    PlaceCategory.LOGISTICS: ("{v}快递驿站",),
    PlaceCategory.RENTAL: ("{v}出租大院",),
    PlaceCategory.CROWDED: ("{v}集贸市场", "{v}文化广场"),
}
FINDINGS = (
    "消防器材齐全有效，台账规范。",
    "安全出口畅通，从业人员信息登记完整。",
    "发现灭火器过期，已责令更换。",
    "住宿登记不全，已督促整改。",
    "电线私拉乱接，已要求限期整改。",
)
TOTAL = 150


def seed(*, rng, subjects, year, users, today, size=None):
    clerk = users.get("clerk_a")
    rules = DeadlineSettings.current()
    villages = [s for s in subjects if s.village_region_id]
    start = datetime.date(year, 1, 1)
    places, inspections = [], []
    for _ in range((size or {}).get("重点场所", TOTAL)):  # size: seed_demo --scale city/province
        subject = rng.choice(villages)
        category = rng.choice(list(NAMES))
        village = subject.name.removesuffix("社区").removesuffix("村")
        name = rng.choice(NAMES[category]).format(v=village)
        risk = rng.choices([RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW], weights=[2, 5, 3])[0]
        registered = start + datetime.timedelta(days=rng.randrange(0, 120))
        place = KeyPlace(
            subject=subject,
            registered_on=registered,
            name=name,
            category=category,
            address=f"{subject.name}{rng.randrange(1, 99)}号",
            responsible_person="演示负责人",
            phone=f"139{rng.randrange(10000000, 99999999)}",
            risk_level=risk,
            inspect_every_days=DEFAULT_INSPECT_DAYS[risk],
            created_by=clerk,
        )
        day = registered
        while True:  # inspected on time, except one in five places that fell behind lately
            day += datetime.timedelta(days=max(1, place.inspect_every_days + rng.randrange(-3, 3)))
            if day > today or (rng.random() < 0.2 and (today - day).days < 60):
                break
            place.last_inspected_on = day
            inspections.append((place, day))
        place.due_on = place.compute_due_on(rules)
        places.append(place)
    bulk_create_with_history(places, KeyPlace, default_change_reason="演示数据")
    if clerk is not None:
        PlaceInspection.objects.bulk_create(
            [
                PlaceInspection(
                    place=p, inspected_on=d, finding=rng.choice(FINDINGS), problems_found=rng.random() < 0.2, by=clerk
                )
                for p, d in inspections
            ],
            batch_size=1000,
        )
    return {"重点场所": len(places), "场所检查记录": len(inspections)}
