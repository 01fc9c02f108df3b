"""Demo hazards and accidents for seed_demo: a plausible year for a county of 8,000 subjects."""

from __future__ import annotations

import datetime

from simple_history.utils import bulk_create_with_history

from sanzero.models import DeadlineSettings

from .choices import AccidentKind, HazardCategory, HazardLevel, HazardStatus, ListingStatus, ListingTier, ReviewStage
from .models import Accident, Hazard, HazardListing, ListingReview, accident_grade
from .services import listings_escalate_overdue

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
    listings, reviews = _listings(rng, hazards, rules=rules, users=users, end=end, year=year)
    bulk_create_with_history(hazards, Hazard, batch_size=500, default_change_reason="演示数据")
    for listing in listings:
        listing.hazard = listing.hazard  # the hazard has its id now
    bulk_create_with_history(listings, HazardListing, default_change_reason="演示数据")
    for review in reviews:
        review.listing = review.listing
    ListingReview.objects.bulk_create(reviews)
    letters = len(listings_escalate_overdue(today=today)) if listings else 0

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
    return {"安全隐患": len(hazards), "事故": len(accidents), "挂牌督办": len(listings), "督办函": letters}


#: the demo's listings: (tier, status, overdue) — 12 of a county's year, most at county level
LISTING_PLAN = [
    (ListingTier.COUNTY, ListingStatus.SUPERVISING, True),
    (ListingTier.COUNTY, ListingStatus.SUPERVISING, True),
    (ListingTier.COUNTY, ListingStatus.SUPERVISING, False),
    (ListingTier.CITY, ListingStatus.SUPERVISING, False),
    (ListingTier.COUNTY, ListingStatus.REVIEWING, False),
    (ListingTier.CITY, ListingStatus.ACCEPTING, False),
    (ListingTier.COUNTY, ListingStatus.DELISTING, False),
    (ListingTier.COUNTY, ListingStatus.DELISTED, False),
    (ListingTier.COUNTY, ListingStatus.DELISTED, False),
    (ListingTier.COUNTY, ListingStatus.DELISTED, False),
    (ListingTier.CITY, ListingStatus.DELISTED, False),
    (ListingTier.PROVINCE, ListingStatus.DELISTED, False),
]
STAGES = [ListingStatus.SUPERVISING, ListingStatus.REVIEWING, ListingStatus.ACCEPTING, ListingStatus.DELISTING]


def _listings(rng, hazards, *, rules, users, end, year):
    """挂牌督办 of some 重大 hazards, each hazard's own status made to agree with its listing's (a listed
    hazard is rectified and closed through its listing): in force, being checked, and delisted."""
    county, clerk, grid = users.get("county"), users.get("clerk_a"), users.get("grid")
    if county is None:
        return [], []
    major = [h for h in hazards if h.level == HazardLevel.MAJOR and (end - h.found_on).days > 75]
    rng.shuffle(major)
    listings, reviews = [], []
    numbers = {tier: 0 for tier in ListingTier}
    short = {ListingTier.COUNTY: "青安委", ListingTier.CITY: "市安委", ListingTier.PROVINCE: "省安委"}
    for (tier, status, overdue), h in zip(LISTING_PLAN, major, strict=False):
        numbers[tier] += 1
        listed = h.found_on + datetime.timedelta(days=rng.randrange(2, 8))
        days = rng.randrange(20, 40) if overdue else rng.randrange(45, 90)
        deadline = listed + datetime.timedelta(days=days)
        if status == ListingStatus.SUPERVISING and not overdue:
            deadline = max(deadline, end + datetime.timedelta(days=rng.randrange(10, 40)))
        listing = HazardListing(
            hazard=h,
            subject=h.subject,
            tier=tier,
            notice_number=f"{short[tier]}〔{year}〕{numbers[tier]}号",
            listed_on=listed,
            deadline=deadline,
            requirement="严格落实“五落实”，整改期间采取有效防范措施，确保安全。",
            duty_unit=h.subject.name,
            duty_person=h.subject.responsible_person or "主要负责人",
            duty_leader="包村领导",
            measures="停业整改，聘请专业机构制定整改方案并按方案实施。",
            funds=rng.choice([3, 5, 8, 12, 20]),
            funds_source="企业自筹",
            plan_deadline=deadline - datetime.timedelta(days=5),
            contingency="整改期间设置警戒区域，专人值守，制定应急疏散预案。",
            status=status,
            created_by=county,
        )
        # the hazard waits for its listing: open, or rectified, or closed with the listing's acceptance
        h.status, h.rectified_on, h.rectified_by, h.accepted_on, h.accepted_by = (
            HazardStatus.RECTIFYING,
            None,
            None,
            None,
            None,
        )
        stage = STAGES.index(status) if status in STAGES else len(STAGES)
        day = listed
        if stage >= 1:
            day = listing.rectified_on = min(end, listed + datetime.timedelta(days=rng.randrange(10, 40)))
            listing.rectify_report = "已按整改方案完成整改，隐患已消除。"
            listing.rectified_by = grid or clerk
            h.status, h.rectified_on, h.rectified_by = HazardStatus.AWAITING, day, listing.rectified_by
        if stage >= 2:
            day = listing.reviewed_on = min(end, day + datetime.timedelta(days=rng.randrange(1, 5)))
            listing.reviewed_by = clerk
            reviews.append(
                ListingReview(
                    listing=listing,
                    stage=ReviewStage.REVIEW,
                    passed=True,
                    reviewed_on=day,
                    unit="乡镇安监站",
                    members="安监站工作人员",
                    opinion="整改到位，同意报请验收。",
                    by=clerk,
                )
            )
        if stage >= 3:
            day = listing.accepted_on = min(end, day + datetime.timedelta(days=rng.randrange(2, 10)))
            listing.accepted_by = county
            reviews.append(
                ListingReview(
                    listing=listing,
                    stage=ReviewStage.ACCEPTANCE,
                    passed=True,
                    reviewed_on=day,
                    unit="县应急管理局",
                    members="县安委办、县应急管理局验收组",
                    opinion="验收合格。",
                    by=county,
                )
            )
        if stage >= 4:
            listing.delisted_on = min(end, day + datetime.timedelta(days=rng.randrange(1, 7)))
            listing.delist_number = f"{short[tier]}〔{year}〕摘{numbers[tier]}号"
            h.status, h.accepted_on, h.accepted_by = HazardStatus.CLOSED, listing.accepted_on, county
        h.due_on = h.compute_due_on(rules)
        listing.due_on = listing.compute_due_on(rules)
        listings.append(listing)
    return listings, reviews
