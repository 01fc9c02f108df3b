"""What the petition tests share: the fixed day, the petitioner's personal data, a petition made and a step
taken through the services, a fresh copy."""

import datetime
import re

from petitions import services
from petitions.models import Petition

TODAY = datetime.date(2026, 3, 16)
ID = "11010519491231002X"
PHONE = "13812341234"
CONTENT = "反映村集体土地流转收益分配不公开，要求公开账目。"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def petition(world, *, user="clerk_a", subject=None, **extra):
    data = {
        "subject": subject or world.shop_a,
        "received_on": datetime.date(2026, 1, 30),
        "channel": "来访",
        "type": "申诉求决",
        "petitioner_name": "张伟",
        "id_number": ID,
        "phone": PHONE,
        "headcount": 1,
        "level_reached": "乡镇",
        "content": CONTENT,
        **extra,
    }
    return services.petition_create(actor=world.users[user], data=data)


def run(world, p, name, user="clerk_a", **data):
    return services.petition_transition(actor=world.users[user], obj=p, name=name, data=data)


def fresh(p):
    return Petition.objects.get(pk=p.pk)
