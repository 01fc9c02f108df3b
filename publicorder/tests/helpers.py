"""What the 治安问题 tests share: a problem made through the service, a step taken through it."""

import datetime

from publicorder import services


def problem(world, *, user="clerk_a", subject=None, **extra):
    data = {
        "subject": subject or world.shop_a,
        "found_on": datetime.date(2026, 3, 2),
        "category": "黄赌毒",
        "description": "出租屋内疑似聚众赌博",
        **extra,
    }
    return services.public_order_problem_create(actor=world.users[user], data=data)


def run(world, obj, name, user="clerk_a", **data):
    services.public_order_problem_transition(actor=world.users[user], obj=obj, name=name, data=data)
    obj.refresh_from_db()
    return obj
