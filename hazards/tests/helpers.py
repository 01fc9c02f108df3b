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


PLAN = {
    "duty_unit": "甲一村超市",
    "duty_person": "王经理",
    "duty_leader": "李副镇长",
    "measures": "更换全部过期灭火器，清理安全出口",
    "funds": 2.5,
    "funds_source": "企业自筹",
    "plan_deadline": datetime.date(2026, 3, 28),
    "contingency": "整改期间停止营业，设专人值守",
}


def listing(world, *, user="county", subject=None, tier="县安委会", number="测安委〔2026〕1号", plan=True, **extra):
    """A 重大 hazard of ``subject`` (by clerk_a) listed by ``user`` on 3 March, due 31 March; with its 五落实."""
    from decimal import Decimal

    h = hazard(world, user="admin", subject=subject, level="重大")
    data = {
        "hazard": h,
        "tier": tier,
        "notice_number": number,
        "listed_on": datetime.date(2026, 3, 3),
        "deadline": datetime.date(2026, 3, 31),
        **({**PLAN, "funds": Decimal("2.50")} if plan else {}),
        **extra,
    }
    return services.listing_create(actor=world.users[user], data=data)


def step(world, obj, name, user, **data):
    services.listing_transition(actor=world.users[user], obj=obj, name=name, data=data)
    obj.refresh_from_db()
    return obj
