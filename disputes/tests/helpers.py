"""What the dispute tests share: the fixed day, a dispute made and a step taken through the services, the
ladder, a fresh copy, what the form posts, data every step accepts."""

import datetime
import re
from zoneinfo import ZoneInfo

from disputes import services
from disputes.models import Dispute, MediationLevel

TODAY = datetime.date(2026, 3, 16)
SHANGHAI = ZoneInfo("Asia/Shanghai")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ALL_DATA = {
    "resolved_on": datetime.date(2026, 3, 5),
    "agreement_type": "书面",
    "agreement": "协议",
    "note": "原因",
    "transfer_to": "部门",
    "visited_on": datetime.date(2026, 3, 10),
    "performance_ok": True,
}


def dispute(world, *, user="clerk_a", subject=None, found_on=datetime.date(2026, 3, 2), **extra):
    data = {
        "subject": subject or world.shop_a,
        "found_on": found_on,
        "category": "邻里纠纷",
        "summary": "邻居间因排水沟堵塞发生争执",
        "source": "网格排查",
        "parties": "张三、李小四",
        "people_count": 2,
        "risk_colour": "黄",
        **extra,
    }
    return services.dispute_create(actor=world.users[user], data=data)


def run(world, d, name, user="clerk_a", **data):
    return services.dispute_transition(actor=world.users[user], obj=d, name=name, data=data)


def ladder():
    return list(MediationLevel.objects.order_by("order"))


def fresh(d):
    return Dispute.objects.select_related("level").get(pk=d.pk)


def form_data(world, **extra):
    return {
        "subject": world.shop_a.pk,
        "found_on": "2026-03-02",
        "category": "邻里纠纷",
        "source": "网格排查",
        "risk_colour": "蓝",
        "people_count": 2,
        "parties": "张三、李四",
        "summary": "因院墙滴水发生争执",
        **extra,
    }
