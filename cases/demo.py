"""Demo police cases for seed_demo: about 120 a year for a county, three in ten of them 刑事."""

from __future__ import annotations

import datetime

from simple_history.utils import bulk_create_with_history

from units.models import Region, RegionLevel

from .choices import CaseKind, CaseStatus
from .models import PoliceCase

CRIMINAL_CAUSES = {
    "盗窃": "入室盗窃现金及首饰，价值约{n}千元。",
    "诈骗": "被以“刷单返利”为名骗取{n}万元。",
    "电信网络诈骗": "被冒充客服诱导转账{n}万元。",
    "故意伤害": "因琐事发生口角后持械伤人，一人轻伤。",
    "寻衅滋事": "酒后在公共场所随意殴打他人、损毁财物。",
    "开设赌场": "在出租屋内组织多人赌博并抽头渔利。",
    "危险驾驶": "醉酒驾驶机动车被查获。",
    "抢夺": "骑车抢夺路人手机一部。",
}
PUBLIC_SECURITY_CAUSES = {
    "殴打他人": "邻里因琐事发生争执，一方动手殴打对方。",
    "寻衅滋事": "在集市上无故起哄闹事。",
    "赌博": "多人以打麻将方式进行赌博，现场查获赌资{n}百元。",
    "盗窃": "盗窃电动车电瓶一块。",
    "故意损毁财物": "因纠纷砸坏对方车辆玻璃。",
    "扰乱单位秩序": "在单位内吵闹，致工作不能正常进行。",
    "阻碍执行职务": "拒不配合民警现场调查，推搡执勤民警。",
    "非法侵入住宅": "因债务纠纷强行进入他人住宅。",
}
TOTAL = 120
MAJOR_SUMMARY = "引发群众围观，相关视频在网络传播，社会影响较大。"


def _station(name: str) -> str:
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def seed(*, rng, subjects, year, users, today, size=None):
    end = min(today, datetime.date(year, 12, 31))
    span = (end - datetime.date(year, 1, 1)).days
    clerk = users.get("clerk_a")
    county = Region.objects.filter(level=RegionLevel.COUNTY).values_list("code", "name")
    county_names = {code[:6]: name for code, name in county}
    townships = dict(Region.objects.filter(level=RegionLevel.TOWNSHIP).values_list("code", "name"))
    # 30% 刑事; of the 治安 cases 15% of major influence: (刑事, major) pairs in random order.
    total = (size or {}).get("案件", TOTAL)  # size: seed_demo --scale city/province
    criminal_count = round(total * 0.3)
    major_count = round((total - criminal_count) * 0.15)
    mix = (
        [(True, False)] * criminal_count
        + [(False, True)] * major_count
        + [(False, False)] * (total - criminal_count - major_count)
    )
    rng.shuffle(mix)
    cases = []
    numbers: dict[str, int] = {}  # each county's police number their own cases (青石公刑〔2026〕0001号)
    for criminal, major in mix:
        subject = rng.choice(subjects)
        occurred = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(span + 1))
        kind = CaseKind.CRIMINAL if criminal else CaseKind.PUBLIC_SECURITY
        causes = CRIMINAL_CAUSES if criminal else PUBLIC_SECURITY_CAUSES
        cause = rng.choice(list(causes))
        summary = causes[cause].format(n=rng.randrange(2, 30))
        if major:
            summary += MAJOR_SUMMARY
        county_name = county_names.get(subject.region.code[:6], "")
        police = f"{county_name}公安局"
        seq = numbers[county_name] = numbers.get(county_name, 0) + 1
        township = townships.get(subject.region.code[:9] + "000", "")
        unit = f"{police}刑事侦查大队" if criminal and rng.random() < 0.3 else f"{police}{_station(township)}派出所"
        c = PoliceCase(
            subject=subject,
            occurred_on=occurred,
            kind=kind,
            major_influence=major,
            cause=cause,
            summary=summary,
            unit=unit,
            case_no=f"{county_name.removesuffix('县').removesuffix('区')}公{'刑' if criminal else '治'}〔{year}〕{seq:04d}号",
            created_by=clerk,
        )
        age = (end - occurred).days
        if criminal:
            if age > 20 and rng.random() < min(0.85, age / 60):
                c.solved_on = min(end, occurred + datetime.timedelta(days=rng.randrange(2, 40)))
                c.status = CaseStatus.SOLVED
                if (end - c.solved_on).days > 30 and rng.random() < 0.7:
                    c.closed_on = min(end, c.solved_on + datetime.timedelta(days=rng.randrange(15, 60)))
                    c.status = CaseStatus.CLOSED
        elif age > 3 and rng.random() < min(0.92, age / 15):
            if rng.random() < 0.25:  # an offender identified first, the decision later
                c.solved_on = min(end, occurred + datetime.timedelta(days=rng.randrange(1, 5)))
                c.status = CaseStatus.SOLVED
            if c.status == CaseStatus.INVESTIGATING or (end - c.solved_on).days > rng.randrange(5, 40):
                c.closed_on = min(end, (c.solved_on or occurred) + datetime.timedelta(days=rng.randrange(1, 15)))
                c.status = CaseStatus.CLOSED
        cases.append(c)
    bulk_create_with_history(cases, PoliceCase, default_change_reason="演示数据")
    return {"案件": len(cases)}
