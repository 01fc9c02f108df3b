"""A city-sized registry built with bulk inserts, reproducible from a seed: the region tree and the
subjects of a fictional city in the proportions Changzhi published (../shared/seeds/: 56,353
subjects in 12 counties: 村 2,662, 社区 159, 宗教场所 168, 事业单位 3,762, 企业 49,602), ~3,000 regions.

``build_city`` is the reusable part (scripts/city_fixture.py calls it; a future ``seed_demo --scale
city`` can too). Codes start with 99 (no real province), the city is 990400000000. Subjects are
inserted without history rows (bulk_create): a fixture for measuring pages, not an audited import.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction

from .demo import COMMUNITY_NAMES, SURNAMES, TRADE_WORDS, VILLAGE_FIRST, VILLAGE_SECOND, _mobile, _person
from .models import Category, Department, Region, RegionLevel, Subject
from .pinyin import fill_initials

CITY_CODE = "990400000000"
CITY_NAME = "示范市"
COUNTY_NAMES = [
    "示范县",
    "东山县",
    "西河县",
    "南岭县",
    "北原县",
    "潞城区",
    "上党区",
    "屯留区",
    "平顺县",
    "黎城县",
    "沁源县",
    "武乡县",
]
TOWNSHIP_WORDS = [
    "城关",
    "东关",
    "西关",
    "南街",
    "北街",
    "新华",
    "安居",
    "龙门",
    "河口",
    "石桥",
    "马坊",
    "石板",
    "柳林",
    "桃园",
    "杏村",
    "东阳",
    "西营",
    "南庄",
]

# Changzhi's published counts (seed 003): the proportions of the fixture
CHANGZHI = {"村": 2662, "社区": 159, "宗教场所": 168, "事业单位": 3762, "企业": 49602}
# how the seed's 事业单位 and 企业 spread over our categories (weights)
PUBLIC_UNITS = [("学校", 35), ("幼儿园", 20), ("医院", 15), ("机关事业单位", 30)]
ENTERPRISES = [("企业", 55), ("营业网点", 30), ("商场市场", 5), ("厂矿", 10)]
ENTERPRISE_SUFFIX = [
    "商贸有限公司",
    "建材有限公司",
    "食品有限公司",
    "物流有限公司",
    "便利店",
    "超市",
    "药店",
    "餐馆",
    "砖厂",
    "加工厂",
]
PUBLIC_SUFFIX = {
    "学校": ["小学", "中学"],
    "幼儿园": ["幼儿园"],
    "医院": ["卫生院", "诊所"],
    "机关事业单位": ["司法所", "供电所", "农技站"],
}


@dataclass(frozen=True)
class CitySize:
    regions: int
    subjects: int


def _split(total: int, weights: list[tuple[str, int]]) -> dict[str, int]:
    whole = sum(w for _, w in weights)
    counts = {name: total * w // whole for name, w in weights}
    counts[weights[0][0]] += total - sum(counts.values())
    return counts


@transaction.atomic
def build_city(*, seed: int = 2026, counties: int = 12, townships_per_county: int = 12, scale: float = 1.0) -> CitySize:
    """The city, its counties, townships, villages and communities, and the subjects (village subjects
    included). ``scale`` multiplies the seed's counts (0.1 gives a tenth of the city for a quick run)."""
    rng = random.Random(seed)
    villages_total = round(CHANGZHI["村"] * scale)
    communities_total = round(CHANGZHI["社区"] * scale)

    city = fill_initials([Region(code=CITY_CODE, name=CITY_NAME, level=RegionLevel.CITY)])[0]
    city.save()
    county_rows = [
        Region(
            code=f"9904{i + 1:02d}000000",
            name=COUNTY_NAMES[i % len(COUNTY_NAMES)],
            level=RegionLevel.COUNTY,
            parent=city,
        )
        for i in range(counties)
    ]
    Region.objects.bulk_create(fill_initials(county_rows))
    county_rows = list(Region.objects.filter(parent=city).order_by("code"))
    township_rows = []
    for county in county_rows:
        words = rng.sample(TOWNSHIP_WORDS, townships_per_county)
        for j, word in enumerate(words):
            suffix = "街道" if j == 0 else ("镇" if j < townships_per_county * 2 // 3 else "乡")
            township_rows.append(
                Region(
                    code=f"{county.prefix}{j + 1:03d}000",
                    name=f"{word}{suffix}",
                    level=RegionLevel.TOWNSHIP,
                    parent=county,
                )
            )
    Region.objects.bulk_create(fill_initials(township_rows), batch_size=2000)
    township_rows = list(
        Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=city.prefix).order_by("code")
    )

    village_rows = []
    slots = len(township_rows)
    for k in range(villages_total + communities_total):
        township = township_rows[k % slots]
        n = k // slots + 1
        if k < communities_total:
            # 建设社区, 和平社区... recur in many townships: the pickers must tell them apart by path
            name, level = f"{COMMUNITY_NAMES[n % len(COMMUNITY_NAMES)]}社区", RegionLevel.COMMUNITY
            if n > len(COMMUNITY_NAMES):
                name = f"{COMMUNITY_NAMES[n % len(COMMUNITY_NAMES)]}{n}社区"
        else:
            name, level = f"{rng.choice(VILLAGE_FIRST)}{rng.choice(VILLAGE_SECOND)}村", RegionLevel.VILLAGE
        village_rows.append(Region(code=f"{township.prefix}{n:03d}", name=name, level=level, parent=township))
    Region.objects.bulk_create(fill_initials(village_rows), batch_size=2000)
    village_rows = list(
        Region.objects.filter(level__in=[RegionLevel.VILLAGE, RegionLevel.COMMUNITY], code__startswith=city.prefix)
        .select_related("parent")
        .order_by("code")
    )

    categories = {c.name: c for c in Category.objects.select_related("default_department")}
    departments = list(Department.objects.all())
    subjects = []
    used: dict[int, set[str]] = {}

    def add(name: str, category: Category, region: Region, **extra) -> None:
        names = used.setdefault(region.pk, set())
        base, n = name, 2
        while name in names:
            name, n = f"{base}（{n}）", n + 1
        names.add(name)
        subjects.append(
            Subject(
                name=name,
                category=category,
                region=region,
                department=category.default_department or rng.choice(departments),
                responsible_person=_person(rng),
                phone=_mobile(rng),
                **extra,
            )
        )

    for v in village_rows:
        add(v.name, categories["社区" if v.level == RegionLevel.COMMUNITY else "村"], v, village_region=v)
    places = village_rows + township_rows
    for _ in range(round(CHANGZHI["宗教场所"] * scale)):
        region = rng.choice(village_rows)
        add(f"{rng.choice(TRADE_WORDS)}{rng.choice(['寺', '观', '基督教堂'])}", categories["宗教场所"], region)
    for cat_name, count in _split(round(CHANGZHI["事业单位"] * scale), PUBLIC_UNITS).items():
        for _ in range(count):
            region = rng.choice(places)
            short = region.name[:2]
            add(f"{short}{rng.choice(PUBLIC_SUFFIX[cat_name])}", categories[cat_name], region)
    for cat_name, count in _split(round(CHANGZHI["企业"] * scale), ENTERPRISES).items():
        for _ in range(count):
            region = rng.choice(places)
            name = f"{rng.choice(TRADE_WORDS)}{rng.choice(SURNAMES)}记{rng.choice(ENTERPRISE_SUFFIX)}"
            add(name, categories[cat_name], region)
    Subject.objects.bulk_create(fill_initials(subjects), batch_size=2000)
    return CitySize(regions=1 + len(county_rows) + len(township_rows) + len(village_rows), subjects=len(subjects))
