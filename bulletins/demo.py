"""Demo 排名通报 for seed_demo: one published bulletin per past month (第1期 …), and a draft of last month."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dashboards.models import month_end
from units.models import Region

from . import services


def seed(*, rng, subjects, year, users, today):
    county_user = users.get("county")
    county = Region.objects.filter(level="county", parent__isnull=True).order_by("code").first()
    if county_user is None or county is None:
        return {}
    last = today.month - 1 if year == today.year else 12
    published = 0
    for m in range(1, last + 1):
        month = datetime.date(year, m, 1)
        issued = min(month_end(month) + datetime.timedelta(days=5), today)
        try:
            draft = services.bulletin_create(actor=county_user, region=county, month=month, today=issued)
        except services.ServiceError:
            continue
        if m == last:
            continue  # last month's bulletin stays a draft, to be checked and published
        at = timezone.make_aware(datetime.datetime.combine(issued, datetime.time(10, 0)))
        services.bulletin_publish(actor=county_user, bulletin=draft, now=at)
        published += 1
    return {"排名通报": published}
