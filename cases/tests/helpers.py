"""What the case tests share: the fixed day, a case made through the service, a step taken through it."""

import datetime

from cases import services

TODAY = datetime.date(2026, 3, 16)


def case(world, *, user="clerk_a", subject=None, kind="治安", **extra):
    data = {
        "subject": subject or world.shop_a,
        "occurred_on": datetime.date(2026, 3, 2),
        "kind": kind,
        "cause": "殴打他人",
        "summary": "邻里纠纷引发打架",
        "unit": "测试县公安局甲镇派出所",
        **extra,
    }
    return services.police_case_create(actor=world.users[user], data=data)


def run(world, obj, name, user="clerk_a", **data):
    services.police_case_transition(actor=world.users[user], obj=obj, name=name, data=data)
    obj.refresh_from_db()
    return obj
