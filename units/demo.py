"""The fictional demo county: regions, 8,000 subjects, one user per role. Deterministic (fixed seed).

Everything here is invented: the codes start with 99, which no real province uses.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from sanzero.roles import Role
from sanzero.validators import USCC_ALPHABET, USCC_WEIGHTS

from .models import Category, Department, Region, RegionLevel, Subject
from .pinyin import fill_initials
from .services import user_create

DEMO_PASSWORD = "Sanling@2026"
COUNTY_CODE = "990121000000"
COUNTY_NAME = "青石县"

TOWNSHIPS = [
    ("001", "城关街道"),
    ("100", "青石镇"),
    ("101", "柳河镇"),
    ("102", "石门镇"),
    ("103", "白杨镇"),
    ("104", "龙泉镇"),
    ("200", "东岭乡"),
    ("201", "西坪乡"),
    ("202", "南沟乡"),
    ("203", "北川乡"),
]
VILLAGE_FIRST = "东西南北前后上下大小新中高杨柳石桃李王张刘赵马黄"
VILLAGE_SECOND = ["庄", "河", "沟", "坪", "峪", "湾", "岭", "屯", "营", "堡", "家", "寨", "口", "泉", "坡"]
COMMUNITY_NAMES = ["迎宾", "文昌", "建设", "和平", "光明", "春晖", "锦绣", "朝阳", "滨河", "福园"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强海燕红梅玉兰春生丽华"

# (category, weight, name patterns); {v} = village or township short name, {w} = a trade word
UNIT_CATEGORIES = [
    ("企业", 30, ["{w}商贸有限公司", "{w}农业科技有限公司", "{w}建材有限公司", "{w}食品有限公司", "{w}物流有限公司"]),
    ("营业网点", 18, ["{w}便利店", "{w}超市", "{w}药店", "{w}餐馆", "{w}加油站"]),
    ("商场市场", 6, ["{v}农贸市场", "{w}购物广场", "{v}集贸市场"]),
    ("学校", 7, ["{v}小学", "{v}中学", "{v}中心学校"]),
    ("幼儿园", 5, ["{v}幼儿园", "{w}幼儿园"]),
    ("医院", 3, ["{v}卫生院", "{v}卫生室", "{w}诊所"]),
    ("厂矿", 6, ["{w}砖厂", "{w}采石场", "{w}加工厂"]),
    ("机关事业单位", 10, ["{v}派出所", "{v}司法所", "{v}供电所", "{v}财政所", "{v}农技站"]),
    ("宗教场所", 3, ["{w}寺", "{w}观", "{v}基督教堂"]),
    ("景区", 2, ["{w}山景区", "{w}湖景区"]),
    ("车站", 1, ["{v}汽车站", "{v}客运站"]),
    ("文物古建筑", 2, ["{w}古庙", "{w}牌坊", "{w}古民居"]),
    ("其他", 3, ["{w}合作社", "{w}养殖场", "{w}协会"]),
]
TRADE_WORDS = [
    "青石",
    "恒通",
    "鑫源",
    "永盛",
    "华丰",
    "金穗",
    "瑞祥",
    "宏达",
    "众康",
    "天和",
    "兴隆",
    "新禾",
    "福临",
    "同心",
    "安泰",
    "锦程",
    "长青",
    "润泽",
    "明德",
    "佳禾",
    "凯旋",
    "博远",
    "聚福",
    "东升",
    "龙腾",
    "嘉禾",
    "顺发",
    "广源",
    "益民",
    "万家",
    "盛世",
    "康宁",
    "荣昌",
    "泰和",
    "汇通",
    "双龙",
    "云峰",
    "碧水",
    "清泉",
]
ENTERPRISE_DEPARTMENTS = ["工业和信息化局", "应急管理局", "市场监督管理局"]


@dataclass
class DemoResult:
    created: bool
    regions: int
    subjects: int
    users: list[tuple[str, str, str]]
    ledgers: dict[str, int] = field(default_factory=dict)


def _credit_code(rng: random.Random, valid: bool = True) -> str:
    body = "91" + COUNTY_CODE[:6] + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(body, USCC_WEIGHTS, strict=True))
    check = USCC_ALPHABET[(31 - total % 31) % 31]
    if not valid:
        check = USCC_ALPHABET[(USCC_ALPHABET.index(check) + 7) % 31]
    return body + check


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _mobile(rng: random.Random) -> str:
    return rng.choice(["13", "15", "18", "17", "19"]) + "".join(str(rng.randrange(10)) for _ in range(9))


def build_regions(rng: random.Random) -> tuple[Region, list[Region], list[Region]]:
    county = Region(code=COUNTY_CODE, name=COUNTY_NAME, level=RegionLevel.COUNTY)
    county.full_clean()
    bulk_create_with_history(fill_initials([county]), Region, default_change_reason="演示数据")
    county = Region.objects.get(code=COUNTY_CODE)
    townships = [
        Region(code=f"{COUNTY_CODE[:6]}{seg}000", name=name, level=RegionLevel.TOWNSHIP, parent=county)
        for seg, name in TOWNSHIPS
    ]
    for t in townships:
        t.full_clean()
    bulk_create_with_history(fill_initials(townships), Region, default_change_reason="演示数据")
    townships = list(Region.objects.filter(parent=county).order_by("code"))
    villages = []
    for t in townships:
        is_street = t.code[6:9] < "100"
        communities = 8 if is_street else rng.choice((1, 2, 3))
        village_count = 15 - communities
        used = set()
        for i in range(communities):
            base = COMMUNITY_NAMES[(i + int(t.code[6:9])) % len(COMMUNITY_NAMES)]
            name = f"{base}社区"
            if name in used:
                name = f"{base}{i + 1}社区"
            used.add(name)
            villages.append(Region(code=f"{t.prefix}{i + 1:03d}", name=name, level=RegionLevel.COMMUNITY, parent=t))
        for i in range(village_count):
            while True:
                name = rng.choice(VILLAGE_FIRST) + rng.choice(VILLAGE_SECOND) + "村"
                if name not in used:
                    break
            used.add(name)
            villages.append(Region(code=f"{t.prefix}{200 + i:03d}", name=name, level=RegionLevel.VILLAGE, parent=t))
    bulk_create_with_history(fill_initials(villages), Region, default_change_reason="演示数据")
    villages = list(
        Region.objects.filter(
            level__in=[RegionLevel.VILLAGE, RegionLevel.COMMUNITY], code__startswith=county.prefix
        ).order_by("code")
    )
    return county, townships, villages


def build_subjects(rng: random.Random, townships, villages, year: int, total: int = 8000) -> int:
    categories = {c.name: c for c in Category.objects.select_related("default_department")}
    departments = {d.name: d for d in Department.objects.all()}
    subjects = []
    names_by_region: dict[int, set[str]] = {}

    def add(**kwargs):
        region = kwargs["region"]
        used = names_by_region.setdefault(region.pk, set())
        name = kwargs["name"]
        n = 2
        while name in used:
            name = f"{kwargs['name']}（{n}）"
            n += 1
        used.add(name)
        kwargs["name"] = name
        subjects.append(Subject(**kwargs))

    for v in villages:
        cat = categories["社区" if v.level == RegionLevel.COMMUNITY else "村"]
        add(
            name=v.name,
            category=cat,
            region=v,
            village_region=v,
            department=cat.default_department,
            responsible_person=_person(rng),
            phone=_mobile(rng),
            address=f"{COUNTY_NAME}{v.parent.name}{v.name}",
        )

    weights = [w for _, w, _ in UNIT_CATEGORIES]
    start = datetime.date(year, 1, 1)
    village_parent = {v.pk: v.parent for v in villages}
    for i in range(total - len(villages)):
        cat_name, _, patterns = rng.choices(UNIT_CATEGORIES, weights=weights)[0]
        cat = categories[cat_name]
        region = rng.choice(villages) if rng.random() < 0.6 else rng.choice(townships)
        short = (
            region.name.removesuffix("村")
            .removesuffix("社区")
            .removesuffix("镇")
            .removesuffix("乡")
            .removesuffix("街道")
        )
        used = names_by_region.setdefault(region.pk, set())
        for _ in range(30):  # a fresh name rather than “（2）” suffixes where the patterns allow one
            name = rng.choice(patterns).format(v=short, w=rng.choice(TRADE_WORDS))
            if name not in used:
                break
        if cat_name in ("企业", "厂矿"):
            department = departments[rng.choice(ENTERPRISE_DEPARTMENTS)]
        else:
            department = cat.default_department
        has_code = cat_name in ("企业", "营业网点", "商场市场", "厂矿", "医院", "学校", "幼儿园")
        bad_code = has_code and i % 997 == 0
        roll = rng.random()
        joined_on = None if roll < 0.85 else start + datetime.timedelta(days=rng.randrange(0, 300))
        left_on = None
        if rng.random() < 0.015:
            left_on = start + datetime.timedelta(days=rng.randrange(60, 320))
            if joined_on and left_on <= joined_on:
                left_on = joined_on + datetime.timedelta(days=30)
        township = village_parent.get(region.pk, region)
        add(
            name=name,
            category=cat,
            region=region,
            department=department,
            credit_code=_credit_code(rng, valid=not bad_code) if has_code else "",
            credit_code_warning=bad_code,
            responsible_person=_person(rng),
            phone=_mobile(rng),
            address=f"{COUNTY_NAME}{township.name}{region.name if region != township else ''}{rng.randrange(1, 300)}号",
            joined_on=joined_on,
            left_on=left_on,
            left_reason="停业注销" if left_on else "",
        )
    bulk_create_with_history(fill_initials(subjects), Subject, batch_size=1000, default_change_reason="演示数据")
    return len(subjects)


DEMO_USERS = [
    # username, role, region code (None → county), department, full name, what they show
    ("admin", Role.ADMIN, None, "", "系统管理员", "系统管理员：全部功能与后台"),
    ("county", Role.COUNTY, None, "", "县平安办 王主任", "县平安办：全县只读、目标与报表"),
    ("clerk_a", Role.CLERK, "990121100000", "", "青石镇 李录入", "乡镇录入员：青石镇"),
    ("clerk_b", Role.CLERK, "990121101000", "", "柳河镇 张录入", "乡镇录入员：柳河镇"),
    ("grid", Role.GRID, "village", "", "网格员 赵网格", "网格员：青石镇的一个村"),
    ("edu", Role.DEPARTMENT, None, "教育局", "教育局 陈科长", "行业主管部门：教育局（全县学校、幼儿园）"),
]


@transaction.atomic
def seed_demo(*, scale: str = "county", year: int, seed: int = 2026) -> DemoResult:
    if scale != "county":
        raise ValueError(f"规模“{scale}”暂不支持（目前支持 county）。")
    if Region.objects.filter(code=COUNTY_CODE).exists():
        return DemoResult(False, 0, 0, [])
    rng = random.Random(seed)
    county, townships, villages = build_regions(rng)
    count = build_subjects(rng, townships, villages, year)
    users = []
    created_users = {}
    first_village = next(v for v in villages if v.code.startswith("990121100") and v.level == RegionLevel.VILLAGE)
    from django.contrib.auth import get_user_model

    for username, role, code, dept, full_name, note in DEMO_USERS:
        if get_user_model().objects.filter(username=username).exists():
            continue
        codes = [] if role == Role.ADMIN else [first_village.code if code == "village" else (code or county.code)]
        created_users[username] = user_create(
            actor=None,
            username=username,
            role=role,
            region_codes=codes,
            password=DEMO_PASSWORD,
            department_name=dept,
            full_name=full_name,
        )
        users.append((username, DEMO_PASSWORD, note))
    ledgers = seed_ledgers(rng=rng, year=year, users=created_users)
    return DemoResult(True, 1 + len(townships) + len(villages), count, users, ledgers)


def seed_ledgers(*, rng: random.Random, year: int, users: dict) -> dict[str, int]:
    """A year of ledger entries from every app that registered a demo seeder (DESIGN §7 seed_demo)."""
    from django.utils import timezone

    from sanzero.registry import DEMO_SEEDERS

    today = timezone.localdate()
    if datetime.date(year, 1, 1) > today:
        return {}  # a future year has no ledger entries yet
    subjects = list(
        Subject.objects.filter(region__code__startswith=COUNTY_CODE[:6])
        .active_on(datetime.date(year, 12, 31) if year < today.year else today)
        .select_related("region", "category")
    )
    counts: dict[str, int] = {}
    for seeder in DEMO_SEEDERS:
        counts.update(seeder(rng=random.Random(rng.random()), subjects=subjects, year=year, users=users, today=today))
    return counts
