"""Demo 治安问题 for seed_demo: about as many as the hazards (Changzhi found 7,354 against 7,259 hazards),
seven in ten solved within the year (Changzhi: 71.18%), some handed to the police, some overdue."""

from __future__ import annotations

import datetime

from simple_history.utils import bulk_create_with_history

from sanzero.models import DeadlineSettings

from .choices import ProblemCategory, ProblemSource, ProblemStatus, RiskLevel
from .models import PublicOrderProblem

DESCRIPTIONS = {
    ProblemCategory.DISORDER_SPOT: ("夜市周边酒后滋事多发", "村口广场夜间聚集喧哗"),
    ProblemCategory.VICE: ("出租屋内疑似聚众赌博", "棋牌室设赌抽头"),
    ProblemCategory.THEFT: ("电动车电瓶被盗多发", "农户家禽被盗"),
    ProblemCategory.FRAUD: ("老年人接到冒充客服电话", "群众反映刷单返利诈骗信息"),
    ProblemCategory.PROVOKING: ("社会闲散人员在集市寻衅", "网吧门口青少年聚集滋事"),
    ProblemCategory.RENTAL: ("出租房屋未登记承租人信息", "群租房人员混杂"),
    ProblemCategory.FLOATING: ("外来务工人员未办理居住登记",),
    ProblemCategory.KEY_PERSONS: ("精神障碍患者监护不到位", "社区矫正对象脱管风险"),
    ProblemCategory.CAMPUS: ("校门口上下学时段秩序混乱", "学校周边流动摊贩占道"),
    ProblemCategory.VENUES: ("KTV超时营业", "网吧接纳未成年人"),
    ProblemCategory.TRAFFIC: ("货车夜间超速穿村", "路口乱停乱放"),
    ProblemCategory.OTHER: ("废品收购站收购来历不明物品",),
}
RESULTS = (
    "已联合派出所开展清查，问题已整治到位，经回访未再发生。",
    "已约谈相关人员并签订承诺书，落实网格员定期巡查。",
    "已完成登记并纳入网格管理。",
    "已增设监控和巡逻点位，群众反映问题已解决。",
)
TOTAL = 900


def _station(name: str) -> str:
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def seed(*, rng, subjects, year, users, today, size=None):
    rules = DeadlineSettings.current()
    clerk = users.get("clerk_a")
    end = min(today, datetime.date(year, 12, 31))
    span = (end - datetime.date(year, 1, 1)).days
    villages = [s for s in subjects if s.village_region_id] or subjects
    problems = []
    for _ in range((size or {}).get("治安问题", TOTAL)):  # size: seed_demo --scale city/province
        subject = rng.choice(villages if rng.random() < 0.7 else subjects)
        found = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(span + 1))
        category = rng.choice(list(DESCRIPTIONS))
        risk = rng.choices([RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW], weights=[2, 6, 2])[0]
        region = subject.region
        township = region.parent.name if region.is_village_level and region.parent_id else region.name
        p = PublicOrderProblem(
            subject=subject,
            found_on=found,
            category=category,
            source=rng.choices(list(ProblemSource), weights=[6, 3, 2, 2, 1, 1])[0],
            risk_level=risk,
            location=f"{subject.name}附近",
            description=rng.choice(DESCRIPTIONS[category]),
            people_count=rng.randrange(0, 12),
            lead_unit=f"{_station(township)}派出所" if rng.random() < 0.6 else f"{township}综治中心",
            responsible_person="演示责任人",
            measures="网格员每日巡查，民警定期走访，发现问题及时处置。",
            created_by=clerk,
        )
        p.rectify_due = p.default_rectify_due()
        age = (end - found).days
        roll = rng.random()
        if age > 20 and roll < 0.8 or age > 7 and roll < 0.45:
            p.resolved_on = min(end, found + datetime.timedelta(days=rng.randrange(3, 40)))
            p.status, p.result = ProblemStatus.SOLVED, rng.choice(RESULTS)
        elif age > 10 and roll < 0.86:
            p.transferred_on = min(end, found + datetime.timedelta(days=rng.randrange(1, 10)))
            p.status, p.transferred_to = (
                ProblemStatus.TRANSFERRED,
                p.lead_unit if "派出所" in p.lead_unit else "县公安局",
            )
        p.due_on = p.compute_due_on(rules)
        problems.append(p)
    bulk_create_with_history(problems, PublicOrderProblem, batch_size=500, default_change_reason="演示数据")
    return {"治安问题": len(problems)}
