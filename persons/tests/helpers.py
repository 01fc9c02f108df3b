"""What the persons tests share: a person made through the service, and valid ID numbers."""

from __future__ import annotations

import datetime

from persons import services
from sanzero.validators import ID_CHECK, ID_WEIGHTS

D = datetime.date


def id_number(body17: str) -> str:
    """An 18-digit ID number with its correct GB 11643 check character."""
    total = sum(int(ch) * w for ch, w in zip(body17, ID_WEIGHTS, strict=True))
    return body17 + ID_CHECK[total % 11]


ID_A = id_number("99012119800315123")
ID_B = id_number("99012119751102456")
ID_C = id_number("99012119900607789")


def village_subject(region):
    return region.village_subject


def make_person(world, *, region=None, user="clerk_a", keeper="grid_a", **extra):
    """A person of 甲一村 (grid_a's village), kept by grid_a, unless told otherwise."""
    region = region or world.village_a
    data = {
        "subject": region.village_subject,
        "registered_on": D(2026, 1, 10),
        "name": "张建国",
        "id_number": ID_A,
        "phone": "13912345678",
        "address": "甲镇甲一村3组12号",
        "category": "社区矫正",
        "risk_level": "高",
        "grid_worker": world.users[keeper] if keeper else None,
        "visit_every_days": 7,
        **extra,
    }
    return services.key_person_create(actor=world.users[user], data=data)


def nth_id(n: int) -> str:
    """A distinct valid ID number for each n (born 1980-01-01 + n days)."""
    born = D(1980, 1, 1) + datetime.timedelta(days=n)
    return id_number(f"990121{born:%Y%m%d}{n % 1000:03d}")
