"""Demo targets and snapshots for seed_demo, so the dashboards have a year to show at once."""

import datetime
from decimal import Decimal

from units.models import Region

from .compute import compute_month
from .models import Target

# After the published plans (e.g. 河津市: 村(社区) 80%, 单位(企业) 98.5% in the plan's third year).
COUNTY_TARGETS = {"village": Decimal("0.80"), "unit": Decimal("0.985")}


def seed(*, rng, subjects, year, users, today, size=None):
    county = Region.objects.filter(level="county", parent__isnull=True).order_by("code").first()
    if county is None:
        return {}
    for group, rate in COUNTY_TARGETS.items():
        Target.objects.get_or_create(year=year, region=county, group=group, defaults={"rate": rate})
    street = Region.objects.filter(parent=county, code__startswith=county.prefix + "0").order_by("code").first()
    if street is not None:  # a 街道 with its own, lower village target (few villages, many communities)
        Target.objects.get_or_create(year=year, region=street, group="village", defaults={"rate": Decimal("0.75")})
    last = today.month if year == today.year else 12
    for month in range(1, last + 1):
        compute_month(region=county, month=datetime.date(year, month, 1))
    return {"月度快照": last}
