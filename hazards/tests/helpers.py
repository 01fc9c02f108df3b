"""What the hazard tests share: the fixed day and a hazard made through the service."""

import datetime

from hazards import services

TODAY = datetime.date(2026, 3, 16)


def hazard(world, *, user="clerk_a", subject=None, level="一般", **extra):
    data = {
        "subject": subject or world.shop_a,
        "found_on": datetime.date(2026, 3, 2),
        "category": "消防",
        "level": level,
        "description": "灭火器过期",
        **extra,
    }
    return services.hazard_create(actor=world.users[user], data=data)
