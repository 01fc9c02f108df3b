"""A city-sized registry built with bulk inserts, reproducible from a seed: the region tree and the
subjects of a fictional city in the proportions Changzhi published (../shared/seeds/: 56,353
subjects in 12 counties: 村 2,662, 社区 159, 宗教场所 168, 事业单位 3,762, 企业 49,602), ~3,000 regions.

``build_city`` is the reusable part (scripts/city_fixture.py calls it); ``build_scale`` below makes a
city or a province (several cities) with users and years of ledgers: ``seed_demo --scale city|province``
(docs/scale.md). Codes start with 99 (no real province), the city is 990400000000. Subjects are
inserted without history rows (bulk_create): demo data at scale, not an audited import.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sanzero.roles import Role

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
def build_city(
    *,
    seed: int | str = 2026,
    counties: int = 12,
    townships_per_county: int = 12,
    scale: float = 1.0,
    code: str = CITY_CODE,
    name: str = CITY_NAME,
    parent: Region | None = None,
    county_names: list[str] | None = None,
) -> CitySize:
    """The city, its counties, townships, villages and communities, and the subjects (village subjects
    included). ``scale`` multiplies the seed's counts (0.1 gives a tenth of the city for a quick run).
    A province's cities pass their own code, name, parent and (province-wide unique) county names."""
    rng = random.Random(seed)
    villages_total = round(CHANGZHI["村"] * scale)
    communities_total = round(CHANGZHI["社区"] * scale)
    county_names = county_names or COUNTY_NAMES

    city = fill_initials([Region(code=code, name=name, level=RegionLevel.CITY, parent=parent)])[0]
    city.save()
    county_rows = [
        Region(
            code=f"{code[:4]}{i + 1:02d}000000",
            name=county_names[i % len(county_names)],
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


# --- seed_demo --scale city|province: regions, subjects, users and years of ledgers ------------------

PROVINCE_CODE = "990000000000"
PROVINCE_NAME = "示范省"
CITY_NAMES = [
    "河阳市",
    "清源市",
    "安平市",
    "示范市",
    "临川市",
    "云州市",
    "泰宁市",
    "岳山市",
    "宁远市",
    "丰乐市",
    "瑞金市",
]
_COUNTY_FIRST = "安宝昌德定丰阜广和华吉嘉金晋康乐临隆宁平清庆瑞寿泰通文武祥兴阳永裕元忠"
_COUNTY_SECOND = "城川丰谷河湖江乐陵宁平泉山水台阳源州"

# Entries per subject per year. Changzhi, January–September 2020 (seed 003), over its 56,353
# subjects: 2,536 disputes, 7,259 hazards found, 7,354 治安问题 found, 3,537 petitions (批次); accidents, police cases and
# key places as in the demo county (hazards/demo.py, cases/demo.py, places/demo.py: per 8,000 subjects).
LEDGER_RATES = {
    "矛盾纠纷": 2536 / 56353 * 12 / 9,
    "安全隐患": 7259 / 56353 * 12 / 9,
    "治安问题": 7354 / 56353 * 12 / 9,
    "信访": 3537 / 56353 * 12 / 9,
    "事故": 45 / 8000,
    "案件": 120 / 8000,
    "重点场所": 150 / 8000,  # registered once, in the first year; inspected on their rhythm until today
}
# 县 targets, as the demo county's (dashboards/demo.py, after 河津市's plan)
TARGETS = {"village": "0.80", "unit": "0.985"}


@dataclass(frozen=True)
class Scale:
    name: str
    label: str
    cities: int
    #: first year of ledgers (the campaign started in 2020 in the seeds); None: the chosen year only
    history_from: int | None


SCALES = {
    "city": Scale("city", "市", cities=1, history_from=None),
    # Shanxi has 11 cities: ~620,000 subjects; 2020 to the year at the seeds' rates: ~2,000,000 entries
    "province": Scale("province", "省", cities=11, history_from=2020),
}


@dataclass
class ScaleResult:
    root: Region
    regions: int
    subjects: int
    users: list[tuple[str, str, str]]
    ledgers: dict[str, int]
    years: list[int]
    seconds: dict[str, float]


def _county_names(rng: random.Random, count: int) -> list[str]:
    """Province-wide unique county names (case numbers and pickers tell counties apart by name)."""
    words = [a + b for a in _COUNTY_FIRST for b in _COUNTY_SECOND if a != b]
    return [f"{w}{'区' if i % 12 < 3 else '县'}" for i, w in enumerate(rng.sample(words, count))]


def _demo_users(root: Region, scale: Scale) -> tuple[list[tuple[str, str, str]], dict]:
    """The users one logs in as (password DEMO_PASSWORD), as in the demo county, plus the root's user."""
    from .demo import DEMO_PASSWORD
    from .services import user_create

    county = Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=root.prefix).order_by("code").first()
    # the grid worker's village and the first clerk's township are one (a small test city has few villages)
    village = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=county.prefix).order_by("code").first()
    t1 = village.parent
    t2 = Region.objects.filter(parent=county).exclude(pk=t1.pk).order_by("code").first()
    root_user = "province" if scale.name == "province" else "city"
    spec = [
        ("admin", Role.ADMIN, [], "", "系统管理员", "系统管理员：全部功能与后台"),
        (root_user, Role.COUNTY, [root.code], "", f"{root.name}平安办", f"平安办（县平安办角色）：全{scale.label}只读"),
        ("county", Role.COUNTY, [county.code], "", f"{county.name}平安办", f"县平安办：{county.name}"),
        ("clerk_a", Role.CLERK, [t1.code], "", f"{t1.name}录入员", f"乡镇录入员：{county.name}{t1.name}"),
        ("clerk_b", Role.CLERK, [t2.code], "", f"{t2.name}录入员", f"乡镇录入员：{county.name}{t2.name}"),
        ("grid", Role.GRID, [village.code], "", f"{village.name}网格员", f"网格员：{t1.name}{village.name}"),
        (
            "edu",
            Role.DEPARTMENT,
            [root.code],
            "教育局",
            "教育局",
            f"行业主管部门：教育局（全{scale.label}学校、幼儿园）",
        ),
    ]
    users, made = [], {}
    for username, role, codes, dept, full_name, note in spec:
        made[username] = user_create(
            actor=None,
            username=username,
            role=role,
            region_codes=codes,
            password=DEMO_PASSWORD,
            department_name=dept,
            full_name=full_name,
        )
        users.append((username, DEMO_PASSWORD, note))
    return users, made


def _recorders(root: Region, made: dict) -> list[tuple[str, int, int]]:
    """Two clerks per township, who recorded (录入员) and checked (核查员: a hazard's acceptance is another
    user's) its entries: (township prefix, recorder id, checker id). The demo clerks are their townships'
    recorders; the others have no usable password (a fixture's accounts, not logins)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=root.prefix).order_by("code"))
    own = {u.scope_regions.get().code: u for u in (made["clerk_a"], made["clerk_b"])}
    rows = []
    for t in townships:
        if t.code not in own:
            rows.append(User(username=f"lr{t.code[:9]}", role=Role.CLERK, full_name=f"{t.name}录入员", password="!"))
        rows.append(User(username=f"hc{t.code[:9]}", role=Role.CLERK, full_name=f"{t.name}核查员", password="!"))
    User.objects.bulk_create(rows, batch_size=2000)
    by_name = dict(User.objects.filter(username__regex=r"^(lr|hc)99").values_list("username", "pk"))
    scope = User.scope_regions.through
    links, out = [], []
    for t in townships:
        recorder = own[t.code].pk if t.code in own else by_name[f"lr{t.code[:9]}"]
        checker = by_name[f"hc{t.code[:9]}"]
        links += [scope(user_id=checker, region_id=t.pk)]
        if t.code not in own:
            links.append(scope(user_id=recorder, region_id=t.pk))
        out.append((t.code[:9], recorder, checker))
    scope.objects.bulk_create(links, batch_size=2000)
    return out


def _seeders():
    import inspect

    from sanzero.registry import DEMO_SEEDERS

    # the dashboards' seeder computes a county's snapshots: the command does that for the whole root
    return [(s, "size" in inspect.signature(s).parameters) for s in DEMO_SEEDERS if s.__module__ != "dashboards.demo"]


def _user_columns(model) -> list[str]:
    from django.conf import settings

    return [
        f.column
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model._meta.label == settings.AUTH_USER_MODEL and f.name != "history_user"
    ]


def _assign_recorders(recorders: list[tuple[str, int, int]], apps_seeded: set[str]) -> int:
    """Who wrote each entry: the seeders write with a placeholder clerk; every entry (and its escalations,
    visits, inspections, history rows) becomes its township's recorder's, acceptances its checker's, so
    each row is one its writer's scope allowed. Set-based: one UPDATE per table."""
    from django.apps import apps
    from django.db import connection

    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE scale_recorders (prefix varchar(9) PRIMARY KEY, a integer, b integer)")
        cursor.executemany("INSERT INTO scale_recorders VALUES (%s, %s, %s)", recorders)
        subject = apps.get_model("units", "Subject")._meta.db_table
        region = Region._meta.db_table
        changed = 0
        for model in apps.get_models():
            if model._meta.app_label not in apps_seeded or model.__name__.startswith("Historical"):
                continue
            columns = _user_columns(model)
            fields = {f.name: f for f in model._meta.concrete_fields}
            if not columns:
                continue
            if "subject" in fields:
                join, via = f"{q(model._meta.db_table)}.{q('subject_id')}", ""
            else:  # a child row (escalation, visit, inspection): through its entry
                parent = next(
                    (
                        f
                        for f in fields.values()
                        if f.is_relation and "subject" in {x.name for x in f.related_model._meta.concrete_fields}
                    ),
                    None,
                )
                if parent is None:
                    continue
                ptable = parent.related_model._meta.db_table
                via = f", {q(ptable)} p"
                join = f"p.{q('subject_id')} AND p.id = {q(model._meta.db_table)}.{q(parent.column)}"
            sets = ", ".join(
                f"{q(c)} = CASE WHEN {q(model._meta.db_table)}.{q(c)} IS NULL THEN NULL ELSE scale_recorders.{'b' if c.startswith('accepted') else 'a'} END"
                for c in columns
            )
            cursor.execute(
                f"UPDATE {q(model._meta.db_table)} SET {sets} FROM {q(subject)} s, {q(region)} r, scale_recorders{via} "
                f"WHERE s.id = {join} AND r.id = s.region_id AND scale_recorders.prefix = substr(r.code, 1, 9)"
            )
            changed += cursor.rowcount
            history = getattr(model, "history", None)
            if history is not None:  # the insert's history row: the same writer
                htable = q(history.model._meta.db_table)
                copies = ", ".join(f"{q(c)} = t.{q(c)}" for c in columns)
                cursor.execute(
                    f"UPDATE {htable} SET {copies}, history_user_id = t.{q('created_by_id' if 'created_by_id' in columns else columns[0])} "
                    f"FROM {q(model._meta.db_table)} t WHERE t.id = {htable}.id"
                )
        cursor.execute("DROP TABLE scale_recorders")
    return changed


def build_scale(
    *,
    scale: str,
    year: int,
    seed: int = 2026,
    size: float = 1.0,
    today: datetime.date | None = None,
    say=lambda line: None,
) -> ScaleResult:
    """A city or a province (several cities), its users and its ledgers from ``history_from`` (or
    ``year``) to ``year``, in one transaction. Reproducible: the same seed, size and today give the same
    rows. ``size`` multiplies the subjects (and so the entries): 0.02 for a test."""
    import time

    from dashboards.models import Target

    spec = SCALES[scale]
    today = today or timezone.localdate()
    years = list(range(min(spec.history_from or year, year), year + 1))
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic():
        if spec.cities == 1:
            size_ = build_city(seed=seed, scale=size)
            root = Region.objects.get(code=CITY_CODE)
            cities, regions, subjects = [root], size_.regions, size_.subjects
        else:
            root = fill_initials([Region(code=PROVINCE_CODE, name=PROVINCE_NAME, level=RegionLevel.PROVINCE)])[0]
            root.save()
            names = _county_names(random.Random(f"{seed}:counties"), spec.cities * 12)
            regions, subjects = 1, 0
            for i in range(spec.cities):
                code = f"99{i + 1:02d}00000000"
                built = build_city(
                    seed=f"{seed}:{code}",
                    scale=size,
                    code=code,
                    name=CITY_NAMES[i % len(CITY_NAMES)],
                    parent=root,
                    county_names=names[i * 12 : (i + 1) * 12],
                )
                regions, subjects = regions + built.regions, subjects + built.subjects
                say(f"  {CITY_NAMES[i % len(CITY_NAMES)]}：{built.regions}个区划，{built.subjects}个创建主体")
            cities = list(Region.objects.filter(parent=root).order_by("code"))
        seconds["区划与主体"] = time.perf_counter() - started

        mark = time.perf_counter()
        users, made = _demo_users(root, spec)
        recorders = _recorders(root, made)
        seconds["用户"] = time.perf_counter() - mark

        mark = time.perf_counter()
        counts: dict[str, int] = {}
        placeholder = {"clerk_a": made["clerk_a"], "clerk_b": made["clerk_b"]}
        seeders = _seeders()
        for city in cities:
            members = list(
                Subject.objects.filter(region__code__startswith=city.prefix)
                .select_related("region", "category")
                .order_by("pk")
            )
            for y in years:
                end = min(today, datetime.date(y, 12, 31))
                if end < datetime.date(y, 1, 1):
                    continue
                share = ((end - datetime.date(y, 1, 1)).days + 1) / 365
                sized = {k: round(rate * len(members) * share) for k, rate in LEDGER_RATES.items()}
                if y != years[0]:
                    sized["重点场所"] = 0
                for seeder, takes_size in seeders:
                    rng = random.Random(f"{seed}:{city.code}:{y}:{seeder.__module__}")
                    extra = {"size": sized} if takes_size else {}
                    for label, n in seeder(
                        rng=rng, subjects=members, year=y, users=placeholder, today=today, **extra
                    ).items():
                        counts[label] = counts.get(label, 0) + n
            say(f"  {city.name}台账：{'，'.join(f'{k}{v}' for k, v in counts.items())}（累计）")
        _assign_recorders(recorders, {s.__module__.split(".")[0] for s, _ in seeders})
        Target.objects.bulk_create(
            [
                Target(year=y, region=r, group=group, rate=Decimal(rate))
                for y in years
                for r in [root, *Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=root.prefix)]
                for group, rate in TARGETS.items()
            ]
        )
        seconds["台账"] = time.perf_counter() - mark
    return ScaleResult(root, regions, subjects, users, counts, years, seconds)
