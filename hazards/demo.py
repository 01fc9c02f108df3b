"""Demo hazards and accidents for seed_demo: a plausible year for a county of 8,000 subjects."""

from __future__ import annotations

import datetime

from simple_history.utils import bulk_create_with_history

from sanzero.models import DeadlineSettings

from .choices import AccidentKind, HazardCategory, HazardLevel, HazardStatus
from .models import Accident, Hazard, accident_grade

DESCRIPTIONS = {
    "消防": ["灭火器过期未更换", "安全出口被杂物堵塞", "消防通道被占用", "应急照明损坏"],
    "用电": ["私拉乱接电线", "配电箱未上锁", "电动车室内充电"],
    "燃气": ["燃气软管老化", "未安装燃气报警器"],
    "道路交通": ["路口缺少减速带", "校门口无警示标志"],
    "建筑施工": ["脚手架未设防护网", "基坑边无围挡"],
    "自建房": ["自建房墙体开裂", "违规加层"],
    "其他": ["围墙倾斜", "护栏松动"],
}


def seed(*, rng, subjects, year, users, today, size=None):
    rules = DeadlineSettings.current()
    end = min(today, datetime.date(year, 12, 31))
    span = (end - datetime.date(year, 1, 1)).days
    clerk = users.get("clerk_a")
    checker = users.get("clerk_b")
    hazards = []
    for _ in range((size or {}).get("安全隐患", 900)):  # size: seed_demo --scale city/province
        subject = rng.choice(subjects)
        found = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(span + 1))
        category = rng.choice(list(DESCRIPTIONS))
        level = HazardLevel.MAJOR if rng.random() < 0.06 else HazardLevel.GENERAL
        h = Hazard(
            subject=subject,
            found_on=found,
            category=HazardCategory(category),
            level=level,
            description=rng.choice(DESCRIPTIONS[category]),
            responsible_person=subject.responsible_person,
            created_by=clerk,
        )
        if level == HazardLevel.MAJOR:
            h.plan_responsibility, h.plan_measures, h.plan_funds = "主要负责人", "停业整改", "5万元"
            h.plan_deadline, h.plan_contingency = found + datetime.timedelta(days=25), "应急疏散预案"
        h.rectify_due = h.default_rectify_due(rules)
        age = (end - found).days
        roll = rng.random()
        if age > 30 and roll < 0.985 or age > 10 and roll < 0.9 or age > 3 and roll < 0.4:
            h.rectified_on = min(end, found + datetime.timedelta(days=rng.randrange(1, 12)))
            h.status = HazardStatus.AWAITING
            h.rectified_by = clerk
            if (end - h.rectified_on).days > 2 and rng.random() < 0.9:
                h.status = HazardStatus.CLOSED
                h.accepted_on = min(end, h.rectified_on + datetime.timedelta(days=rng.randrange(0, 5)))
                h.accepted_by = checker
        h.due_on = h.compute_due_on(rules)
        hazards.append(h)
    bulk_create_with_history(hazards, Hazard, batch_size=500, default_change_reason="演示数据")

    accidents = []
    for _ in range((size or {}).get("事故", 45)):
        subject = rng.choice(subjects)
        occurred = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(span + 1))
        casualties = rng.random() < 0.55
        deaths = 1 if casualties and rng.random() < 0.15 else 0
        injuries = rng.randrange(1, 4) if casualties and not deaths else 0
        serious = 1 if injuries and rng.random() < 0.3 else 0
        loss = rng.choice([0, 0.5, 1.2, 3, 8.5, 20])
        a = Accident(
            subject=subject,
            occurred_on=occurred,
            kind=rng.choice(list(AccidentKind)),
            deaths=deaths,
            injuries=injuries,
            serious_injuries=serious,
            direct_loss=loss,
            summary="演示数据：事故经过从略。",
            created_by=clerk,
        )
        a.grade = accident_grade(deaths, serious, a.direct_loss)
        if (end - occurred).days > 30:
            a.status, a.closed_on = "已结案", occurred + datetime.timedelta(days=rng.randrange(10, 30))
        accidents.append(a)
    bulk_create_with_history(accidents, Accident, default_change_reason="演示数据")
    return {"安全隐患": len(hazards), "事故": len(accidents)}
