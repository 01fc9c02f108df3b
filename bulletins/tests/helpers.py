"""The fixture month the bulletin tests share: 2026-03 computed for the test county, with targets set.

甲镇: an injury accident at 甲一村 fails one of its two villages (村(社区) 50% against an 80% target: 黑榜);
乙镇: every subject passes (100%, first: 红榜)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from dashboards import compute
from dashboards.models import Target
from hazards.models import Accident
from units.models import Subject

MARCH = datetime.date(2026, 3, 1)
NOW = datetime.datetime(2026, 4, 10, 9, 0)


def build_month(world) -> None:
    for group, rate in (("village", Decimal("0.80")), ("unit", Decimal("0.60"))):
        Target.objects.create(year=2026, region=world.county, group=group, rate=rate)
    village_subject = Subject.objects.get(region=world.village_a, category__name="村")
    Accident.objects.create(subject=village_subject, occurred_on=datetime.date(2026, 3, 10), kind="火灾", injuries=1)
    for month in (datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), MARCH):
        compute.compute_month(region=world.county, month=month)


def ranking_cells(html: str) -> dict[str, list[str]]:
    """{region code: the texts of its row's cells} of the page's ranking table."""
    table = html.split('id="bulletin-ranking"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for code, body in re.findall(r'<tr data-code="(\d+)"[^>]*>(.*?)</tr>', table, flags=re.S):
        rows[code] = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", body, flags=re.S)]
    return rows
