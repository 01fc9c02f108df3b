"""Demo disputes for seed_demo: a plausible year of mediation on the county's ladder (DESIGN §6).

Most disputes are settled within the ladder, the larger part by the grid worker's first mediation;
some climb one or more levels, a few fail and are transferred, a few are still open (some overdue).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from sanzero import workdays

from .choices import AgreementType, DisputeCategory, DisputeSource, DisputeStatus, RiskColour, TransferTarget
from .models import Dispute, DisputeEscalation, FollowUpVisit, MediationLevel

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华国志海燕红梅玉春生"

SUMMARIES = {
    "婚姻家庭": [
        "夫妻因家庭琐事长期争吵，女方要求离婚",
        "兄弟间因赡养老人费用分摊发生争执",
        "离婚后子女抚养费支付产生纠纷",
    ],
    "邻里纠纷": [
        "邻居间因排水沟堵塞导致院落积水发生争执",
        "因宠物犬伤人引发邻里矛盾",
        "相邻建房采光通风受影响产生纠纷",
    ],
    "土地山林": ["两户因承包地边界不清发生争执", "林地权属有争议，双方均称享有经营权", "土地流转费用未按期支付"],
    "宅基地": ["宅基地四至界限不清，一方砌墙占用通道", "兄弟间因老宅基地继承分割发生争执"],
    "劳资纠纷": ["员工因工伤赔偿与企业发生争议", "企业停产后拖欠员工两个月工资", "员工对解除劳动合同补偿有异议"],
    "民间借贷": ["借款到期后借款人未还本付息", "亲戚间借款无书面凭据，对金额有争议"],
    "合同债务": ["农资赊销货款到期未付", "房屋装修合同履行不到位，双方就尾款发生争执"],
    "征地拆迁": ["群众对道路拓宽项目征地补偿标准有异议", "拆迁安置房分配顺序引发争议"],
    "交通事故": ["电动车与三轮车相撞，双方就赔偿金额有分歧", "农用车刮擦路边房屋，赔偿未谈拢"],
    "医疗纠纷": ["患者家属对卫生室诊疗结果不满，要求赔偿"],
    "物业纠纷": ["业主因电梯故障拒缴物业费", "小区停车位分配引发业主与物业矛盾"],
    "环境污染": ["养殖场异味扰民，周边群众反映强烈", "加工厂夜间施工噪音扰民"],
    "其他": ["集体经济收益分配有异议", "红白事占道引发邻里争执"],
    "生产经营": ["合作社社员对分红方式有异议", "两家加工户因共用场地发生争执"],
    "损害赔偿": ["耕牛踩坏邻户庄稼，赔偿金额谈不拢", "施工落物砸坏车辆，双方就赔偿发生争执"],
    "消费纠纷": ["购买的农机质量有问题，商家拒绝退换"],
    "旅游纠纷": ["游客对农家乐收费标准有异议"],
    "知识产权": ["两家商户因店招字号相近发生争执"],
    "互联网纠纷": ["网购农产品货不对板，买卖双方发生争执"],
    "拖欠农民工工资": ["务工人员反映工程完工后工资未结清", "包工头拖欠农民工工资三个月"],
}
CATEGORY_WEIGHTS = {
    "婚姻家庭": 14,
    "邻里纠纷": 24,
    "土地山林": 12,
    "宅基地": 8,
    "劳资纠纷": 8,
    "民间借贷": 6,
    "合同债务": 5,
    "征地拆迁": 3,
    "交通事故": 6,
    "医疗纠纷": 1,
    "物业纠纷": 4,
    "环境污染": 4,
    "其他": 5,
    "生产经营": 3,
    "损害赔偿": 5,
    "消费纠纷": 2,
    "旅游纠纷": 1,
    "知识产权": 1,
    "互联网纠纷": 1,
    "拖欠农民工工资": 3,
}
SOURCE_WEIGHTS = {
    "网格排查": 45,
    "自查": 12,
    "群众来访": 20,
    "诉讼推送": 6,
    "警情推送": 10,
    "信访推送": 4,
    "部门移交": 3,
}
AGREEMENTS = [
    "双方自愿达成协议，赔偿款当场结清",
    "双方同意按确认的界址重新划定边界，互不再追究",
    "约定分两期付清欠款，村调委会监督履行",
    "双方互相谅解，签订和解协议",
    "明确赡养费分摊办法，按月支付",
]
ESCALATION_REASONS = [
    "本级调解期限已满，双方分歧较大未能化解",
    "当事人对调解方案有异议，需上级组织联合调解",
    "涉及土地权属，需乡镇有关部门参与",
]
FAIL_REASONS = ["双方对赔偿金额分歧过大，无法达成一致", "一方拒绝调解", "涉及法律关系复杂，需通过司法途径解决"]


def _names(rng, n: int) -> str:
    return "、".join(
        rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))) for _ in range(n)
    )


def _workday_between(rng, start: datetime.date, days: int) -> datetime.date:
    """A day within `days` working days after `start` (start itself when days is 0)."""
    return workdays.add_workdays(start, rng.randrange(0, days + 1))


def _at(day: datetime.date, rng) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randrange(8, 18), rng.randrange(60))))


def _recorders(users):
    """Who registers a subject's disputes: its grid worker (half the time) or its township clerk, else clerk_a."""
    scoped = []
    for username in ("grid", "clerk_a", "clerk_b"):
        user = users.get(username)
        if user is not None:
            scoped.append((user, tuple(r.prefix for r in user.scope_regions.all())))
    fallback = users.get("clerk_a")

    def pick(subject, rng):
        mine = [u for u, prefixes in scoped if subject.region.code.startswith(prefixes)]
        if len(mine) > 1 and rng.random() < 0.5:
            return mine[1]
        return mine[0] if mine else fallback

    return pick


def seed(*, rng, subjects, year, users, today, size=None):
    ladder = list(MediationLevel.objects.order_by("order"))
    if not ladder or not subjects:
        return {"矛盾纠纷": 0}
    end = min(today, datetime.date(year, 12, 31))
    start = datetime.date(year, 1, 1)
    span = (end - start).days
    total_days = sum(level.working_days for level in ladder)
    recorder = _recorders(users)
    villages = [s for s in subjects if s.category.group == "village"] or subjects
    categories, category_weights = list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values())
    sources, source_weights = list(SOURCE_WEIGHTS), list(SOURCE_WEIGHTS.values())

    disputes, steps, outcomes = [], [], []
    for _ in range((size or {}).get("矛盾纠纷", 650)):  # size: seed_demo --scale city/province
        subject = rng.choice(villages) if rng.random() < 0.75 else rng.choice(subjects)
        found = start + datetime.timedelta(days=rng.randrange(span + 1))
        category = rng.choices(categories, category_weights)[0]
        people = rng.choice((2, 2, 2, 3, 3, 4, 5)) if rng.random() < 0.93 else rng.randrange(6, 30)
        crowd = rng.random()
        if crowd < 0.015:  # a few collective disputes (征地, 欠薪): the 排查情况表's headcount bands
            people = rng.choice((55, 80, 120, 260, 600))
        roll = rng.random()
        risk = RiskColour.RED if roll < 0.07 else RiskColour.YELLOW if roll < 0.3 else RiskColour.BLUE
        d = Dispute(
            subject=subject,
            found_on=found,
            category=DisputeCategory(category),
            summary=rng.choice(SUMMARIES[category]),
            source=DisputeSource(rng.choices(sources, source_weights)[0]),
            parties=_names(rng, 2 if people <= 5 else 3),
            people_count=people,
            risk_colour=risk,
            is_major=people >= 50 or (risk == RiskColour.RED and rng.random() < 0.3),
            created_by=recorder(subject, rng),
            overall_due_on=workdays.add_workdays(found, total_days),
        )
        d._history_user, d._history_date = d.created_by, _at(found, rng)
        # How far up the ladder it goes before it is settled (or fails at the top).
        climb = rng.choices(range(len(ladder)), weights=[62, 24, 10, 4][: len(ladder)] + [1] * (len(ladder) - 4))[0]
        fails = rng.random() < 0.06
        # Nobody escalated it in time: open and overdue at its first level (more often among recent ones).
        forgotten = rng.random() < (0.3 if (end - found).days < 20 else 0.015)
        level_index, level_start, history = 0, found, []
        outcome = None
        while True:
            level = ladder[level_index]
            level_due = workdays.add_workdays(level_start, level.working_days)
            if forgotten:
                break
            if level_index == climb:
                day = _workday_between(rng, level_start, level.working_days)
                if day <= end:
                    outcome = ("fail" if fails else "resolve", day)
                break
            escalate_on = level_due if rng.random() < 0.7 else workdays.add_workdays(level_due, 1)
            if escalate_on > end:
                break
            history.append((level, ladder[level_index + 1], escalate_on, level_due))
            level_index, level_start = level_index + 1, escalate_on
        level = ladder[level_index]
        d.level, d.level_started_on, d.level_days = level, level_start, level.working_days
        d.handling_tier = level.tier
        if outcome:
            d.mediated_on = outcome[1]  # mediated that day (调处), whatever came of it
        elif not forgotten and rng.random() < 0.5:
            day = _workday_between(rng, level_start, level.working_days)
            d.mediated_on = day if day <= end else None  # a session held, no agreement yet
        if outcome and outcome[0] == "resolve":
            d.status, d.resolved_on = DisputeStatus.RESOLVED, outcome[1]
            d.agreement_type = AgreementType.WRITTEN if rng.random() < 0.7 else AgreementType.ORAL
            d.agreement = rng.choice(AGREEMENTS)
        elif outcome:
            d.status, d.fail_reason = DisputeStatus.FAILED, rng.choice(FAIL_REASONS)
            if (end - outcome[1]).days > 2 and rng.random() < 0.75:
                d.status = DisputeStatus.TRANSFERRED
                d.transfer_to = rng.choice(list(TransferTarget))
                d.transfer_note = {
                    "诉讼": "已告知当事人向县人民法院起诉",
                    "仲裁": "已引导向县劳动人事争议仲裁委员会申请仲裁",
                    "信访": "已转县信访局按信访程序办理",
                    "部门": "已移交相关职能部门处理",
                }[d.transfer_to]
        d.due_on = d.compute_due_on(None)
        disputes.append(d)
        steps.append(history)
        outcomes.append(outcome)
    bulk_create_with_history(disputes, Dispute, batch_size=500, default_change_reason="演示数据")

    escalations, visits = [], []
    for d, history in zip(disputes, steps, strict=True):
        for from_level, to_level, day, previous_due in history:
            escalations.append(
                DisputeEscalation(
                    dispute=d,
                    from_level=from_level,
                    to_level=to_level,
                    at=_at(day, rng),
                    by=d.created_by,
                    reason=rng.choice(ESCALATION_REASONS),
                    previous_due_on=previous_due,
                )
            )
        if d.status == DisputeStatus.RESOLVED and (end - d.resolved_on).days > 7 and rng.random() < 0.45:
            visited = min(end, d.resolved_on + datetime.timedelta(days=rng.randrange(5, 30)))
            visits.append(
                FollowUpVisit(
                    dispute=d,
                    visited_on=visited,
                    by=d.created_by,
                    performance_ok=rng.random() < 0.95,
                    note="当事人表示协议已按约履行",
                    created_at=_at(visited, rng),
                )
            )
    DisputeEscalation.objects.bulk_create(escalations, batch_size=500)
    FollowUpVisit.objects.bulk_create(visits, batch_size=500)
    return {"矛盾纠纷": len(disputes)}
