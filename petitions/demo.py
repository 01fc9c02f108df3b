"""Demo petitions for seed_demo: a plausible year of 信访 for the fictional county (region code 990121).

Mostly ordinary petitions handled at the township; about 15% 越级, 集体访 or 非正常访 (each of those
fails 零上访 for its subject, the 非正常访 with their 异常访 level); a few overdue, some extended; each
with its 信访件编号, 信访来源, 责任单位 and, for the harder ones, a 包案领导; a few petitioners come back on
the same matter later in the year (重复访, most flagged, some left for the system's suggestion). The
secretaries' 代办 records are the agency app's demo. Every name, ID number and phone is invented; ID
numbers carry a correct GB 11643 check digit.
"""

from __future__ import annotations

import datetime

from simple_history.utils import bulk_create_with_history

from sanzero.models import DeadlineSettings
from sanzero.validators import ID_CHECK, ID_WEIGHTS

from .choices import (
    AbnormalVisit,
    PetitionChannel,
    PetitionLevel,
    PetitionSource,
    PetitionStatus,
    PetitionType,
    Satisfaction,
)
from .models import CASE_NUMBER_DIGITS, Petition, case_number_prefix

COUNT = 180
#: petitioners who come back on the same matter later in the year; the first few are not flagged
REPEATS = 14
UNFLAGGED_REPEATS = 4
UNITS = ["乡镇人民政府", "县自然资源局", "县人力资源和社会保障局", "县住房和城乡建设局", "县民政局", "县农业农村局"]
UNIT_BY_CATEGORY = {
    "学校": "县教育局",
    "幼儿园": "县教育局",
    "医院": "县卫生健康委员会",
    "商场市场": "县市场监督管理局",
}
KEY_SHARE = 0.15
ID_PREFIX = "990121"  # the demo county's division code: fictional (no province uses 99)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = [
    "建国",
    "秀英",
    "桂兰",
    "玉梅",
    "志强",
    "海燕",
    "春生",
    "红霞",
    "保国",
    "翠花",
    "永刚",
    "丽娟",
    "伟",
    "芳",
    "军",
    "敏",
    "强",
    "静",
    "磊",
    "娜",
    "福来",
    "金凤",
    "有才",
    "小平",
    "德明",
    "淑珍",
    "双喜",
    "凤英",
]

CLAIMS_VILLAGE = [
    "反映村集体土地流转收益分配不公开，要求公开账目。",
    "反映宅基地审批申请递交三个月仍未办理，要求尽快审批。",
    "要求落实低保待遇，称家庭困难但未纳入低保。",
    "反映修路占地补偿款未足额发放，要求补发。",
    "反映村道硬化工程质量差，刚修好路面就开裂。",
    "反映邻居违建房屋影响通行和采光，要求处理。",
    "反映自来水经常停水，要求解决饮水问题。",
    "反映养殖场异味扰民，要求督促整改。",
    "反映土地承包经营权证登记面积有误，要求更正。",
    "反映危房改造补助至今未到位。",
]
CLAIMS_UNIT = [
    "反映企业拖欠工资近三个月，要求督促支付。",
    "反映企业夜间生产噪声扰民。",
    "要求企业补缴社会保险费。",
    "反映商户经营占道，影响行人通行。",
    "反映店铺出售过期食品，要求查处并赔偿。",
]
CLAIMS_SCHOOL = [
    "反映学校门口上下学时段交通拥堵，存在安全隐患。",
    "反映学校收取资料费不规范。",
    "反映校车接送时间安排不合理。",
]
CLAIMS_HOSPITAL = [
    "反映就医时发生医疗纠纷，对处理结果不满意。",
    "反映卫生院医保报销手续繁琐。",
]
SUGGESTIONS = [
    "建议在村口增设路灯，方便夜间出行。",
    "建议增加赶集日公交班次。",
    "建议在河道边增设防护栏和警示牌。",
    "建议在小区增设电动车集中充电设施。",
]
ACCUSATIONS = [
    "检举村干部在危房改造补助评定中优亲厚友。",
    "控告有关工作人员在低保评定中收受好处。",
    "检举单位负责人违规发放补贴。",
    "控告工程承包过程中存在围标串标问题。",
]
REPLIES = [
    "已出具信访处理意见书，支持其合理诉求。",
    "已当面解释政策，并书面答复。",
    "已协调有关部门落实，书面答复信访人。",
    "经调查，诉求部分属实，已督促整改。",
]
EXTENSION_REASONS = ["涉及多个部门，需要联合调查核实。", "需等待土地确权测量结果。", "涉及历史遗留问题，需调取档案。"]


def id_number(rng, born: datetime.date) -> str:
    body = f"{ID_PREFIX}{born:%Y%m%d}{rng.randrange(1, 1000):03d}"
    total = sum(int(ch) * w for ch, w in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK[total % 11]


def mobile(rng) -> str:
    return rng.choice(
        ["138", "139", "150", "151", "152", "158", "159", "135", "136", "177", "181", "187", "189", "199"]
    ) + "".join(str(rng.randrange(10)) for _ in range(8))


def person(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def claim_for(rng, subject) -> str:
    name = subject.name
    if subject.category.group == "village":
        return rng.choice(CLAIMS_VILLAGE)
    if "学" in name or "幼儿园" in name:
        return rng.choice(CLAIMS_SCHOOL)
    if "卫生" in name or "诊所" in name or "医院" in name:
        return rng.choice(CLAIMS_HOSPITAL)
    return rng.choice(CLAIMS_UNIT)


def seed(*, rng, subjects, year, users, today, size=None):
    rules = DeadlineSettings.current()
    start = datetime.date(year, 1, 1)
    end = min(today, datetime.date(year, 12, 31))
    span = (end - start).days
    if span < 0 or not subjects:
        return {"信访": 0}
    clerk = users.get("clerk_a")
    villages = [s for s in subjects if s.category.group == "village"]
    units = [s for s in subjects if s.category.group != "village"]
    channels = list(PetitionChannel.values)
    channel_weights = [28, 15, 20, 2, 35]  # 网上 来信 来电 传真 来访
    # About 15% fail 零上访: exactly that share, so a small random year never looks unusually calm.
    total = (size or {}).get("信访", COUNT)  # size: seed_demo --scale city/province
    count = total - min(REPEATS, total // 10) if size else total  # at scale, the repeats are part of the rate
    key_rows = rng.sample(range(count), round(count * KEY_SHARE))
    key_kind = {i: ("skip", "collective", "collective", "abnormal", "skip")[n % 5] for n, i in enumerate(key_rows)}
    petitions = []
    for i in range(count):
        subject = rng.choice(villages) if villages and (rng.random() < 0.65 or not units) else rng.choice(units)
        received = start + datetime.timedelta(days=rng.randrange(span + 1))
        roll = rng.random()
        kind = (
            PetitionType.CLAIM if roll < 0.75 else PetitionType.SUGGESTION if roll < 0.88 else PetitionType.ACCUSATION
        )
        content = {
            PetitionType.CLAIM: None,
            PetitionType.SUGGESTION: rng.choice(SUGGESTIONS),
            PetitionType.ACCUSATION: rng.choice(ACCUSATIONS),
        }[kind] or claim_for(rng, subject)
        p = Petition(
            subject=subject,
            received_on=received,
            type=kind,
            content=content,
            created_by=clerk,
            channel=rng.choices(channels, weights=channel_weights)[0],
            headcount=1 if rng.random() < 0.8 else rng.randrange(2, 4),
            level_reached=PetitionLevel.TOWNSHIP if rng.random() < 0.85 else PetitionLevel.COUNTY,
        )
        key = key_kind.get(i)
        if key == "skip":  # 越级访: to the city, the province or Beijing
            p.is_skip_level = True
            p.level_reached = rng.choice(
                [PetitionLevel.CITY, PetitionLevel.CITY, PetitionLevel.PROVINCE, PetitionLevel.NATION]
            )
            p.channel = rng.choice([PetitionChannel.VISIT, PetitionChannel.ONLINE, PetitionChannel.LETTER])
        elif key == "collective":  # 集体访
            p.headcount = rng.randrange(rules.petition_collective_headcount, 26)
            p.channel = PetitionChannel.VISIT
            p.level_reached = rng.choice([PetitionLevel.TOWNSHIP, PetitionLevel.COUNTY])
        elif key == "abnormal":  # 非正常访, with the level of the 异常访
            p.is_abnormal = True
            p.channel = PetitionChannel.VISIT
            p.level_reached = rng.choice([PetitionLevel.COUNTY, PetitionLevel.CITY, PetitionLevel.NATION])
            p.abnormal_visit = {
                PetitionLevel.COUNTY: AbnormalVisit.COUNTY,
                PetitionLevel.CITY: AbnormalVisit.CITY,
                PetitionLevel.NATION: AbnormalVisit.NATION,
            }[p.level_reached]
        anonymous = kind == PetitionType.ACCUSATION and rng.random() < 0.4
        if not anonymous:
            p.petitioner_name = person(rng)
            born = datetime.date(rng.randrange(1948, year - 18), rng.randrange(1, 13), rng.randrange(1, 29))
            p.id_number = id_number(rng, born) if rng.random() < 0.75 else ""
            p.phone = mobile(rng) if rng.random() < 0.9 else ""
        is_key = p.is_skip_level or p.is_abnormal or p.headcount >= rules.petition_collective_headcount
        roll = rng.random()
        p.source = (
            PetitionSource.ASSIGNED if roll < 0.12 else PetitionSource.FORWARDED if roll < 0.2 else PetitionSource.LOCAL
        )
        p.responsible_unit = responsible_unit(rng, subject)
        if is_key or p.source == PetitionSource.ASSIGNED or rng.random() < 0.15:
            p.lead_official = person(rng)

        age = (end - received).days
        if age >= 3 and rng.random() < 0.95:
            p.notified_on = min(end, received + datetime.timedelta(days=rng.randrange(1, 15)))
        if age > 45 and rng.random() < (0.3 if is_key else 0.08):
            p.extended_days = rng.choice([15, 20, 30])
            p.extension_reason = rng.choice(EXTENSION_REASONS)
        deadlines = p.deadlines(rules)
        p.notify_due, p.handle_due = deadlines["notify_due"], deadlines["handle_due"]
        stuck = age > 70 and rng.random() < 0.05  # a few forgotten ones: overdue on the 督办 lists
        reply_after = rng.randrange(7, 50 + p.extended_days)
        if not stuck and reply_after <= age:
            p.replied_on = received + datetime.timedelta(days=reply_after)
            p.reply_note = rng.choice(REPLIES)
            p.status = PetitionStatus.REPLIED
            close_after = rng.randrange(3, 25)
            if (end - p.replied_on).days >= close_after:
                p.closed_on = p.replied_on + datetime.timedelta(days=close_after)
                p.status = PetitionStatus.CLOSED
                p.satisfaction = rng.choices(Satisfaction.values, weights=[62, 28, 10])[0]
        p.due_on = p.compute_due_on(rules)
        petitions.append(p)
    petitions += repeat_visits(rng, petitions, rules, end, total - count if size else REPEATS)
    number_cases(petitions)
    bulk_create_with_history(petitions, Petition, batch_size=500, default_change_reason="演示数据")
    return {"信访": len(petitions)}


def responsible_unit(rng, subject) -> str:
    return UNIT_BY_CATEGORY.get(subject.category.name) or rng.choice(UNITS)


def repeat_visits(rng, petitions, rules, end, repeats_wanted: int = REPEATS) -> list[Petition]:
    """Petitioners with an ID number who come back on the same matter 20–90 days later, still this
    year: 重复访. The first UNFLAGGED_REPEATS are left unflagged, for the system's suggestion to find."""
    with_id = [p for p in petitions if p.id_number and (end - p.received_on).days > 30]
    repeats = []
    for n, first in enumerate(rng.sample(with_id, min(repeats_wanted, len(with_id)))):
        received = min(end, first.received_on + datetime.timedelta(days=rng.randrange(20, 91)))
        if received.year != first.received_on.year:
            continue
        again = Petition(
            subject=first.subject,
            received_on=received,
            type=first.type,
            content="再次反映：" + first.content,
            created_by=first.created_by,
            channel=rng.choice([PetitionChannel.VISIT, PetitionChannel.CALL, PetitionChannel.ONLINE]),
            headcount=first.headcount,
            level_reached=first.level_reached,
            petitioner_name=first.petitioner_name,
            id_number=first.id_number,
            phone=first.phone,
            source=PetitionSource.LOCAL,
            responsible_unit=first.responsible_unit,
            lead_official=first.lead_official or person(rng),
            is_repeat=n >= UNFLAGGED_REPEATS,
        )
        deadlines = again.deadlines(rules)
        again.notify_due, again.handle_due = deadlines["notify_due"], deadlines["handle_due"]
        if (end - received).days >= 3:
            again.notified_on = received + datetime.timedelta(days=min(3, (end - received).days))
        again.due_on = again.compute_due_on(rules)
        repeats.append(again)
    return repeats


def number_cases(petitions) -> None:
    """信访件编号 as the service gives them (petitions.services.next_case_number), in order of receipt."""
    counters: dict[str, int] = {}
    for p in sorted(petitions, key=lambda p: p.received_on):
        prefix = case_number_prefix(p.received_on, p.subject.region.code)
        counters[prefix] = counters.get(prefix, 0) + 1
        p.case_number = f"{prefix}{counters[prefix]:0{CASE_NUMBER_DIGITS}d}"
