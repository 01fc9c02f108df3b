"""The demo seeder's year of hazards with its 挂牌督办: listings in every state, each hazard agreeing with
its listing, the overdue ones escalated to a 督办函."""

import datetime
import random

import pytest

from hazards import demo
from hazards.models import Hazard, HazardListing, ListingLetter, ListingReview

pytestmark = pytest.mark.django_db


def test_the_demo_lists_major_hazards_and_keeps_them_consistent(world):
    subjects = [world.shop_a, world.school_a, world.shop_b, world.school_b]
    today = datetime.date(2025, 12, 20)
    counts = demo.seed(rng=random.Random(7), subjects=subjects, year=2025, users=world.users, today=today)
    listings = list(HazardListing.objects.select_related("hazard"))
    assert counts["挂牌督办"] == len(listings) == 12
    assert {x.status for x in listings} == {"督办中", "待初审", "待验收", "待摘牌", "已摘牌"}
    assert {x.tier for x in listings} == {"县安委会", "市安委会", "省安委会"}
    expected_hazard = {
        "督办中": "整改中",
        "待初审": "待验收",
        "待验收": "待验收",
        "待摘牌": "待验收",
        "已摘牌": "已销号",
    }
    for x in listings:
        x.full_clean()
        x.hazard.full_clean()
        assert x.hazard.level == "重大" and x.subject_id == x.hazard.subject_id
        assert x.hazard.status == expected_hazard[x.status], x
        assert not x.missing_plan()
    overdue = [x for x in listings if x.status == "督办中" and x.deadline < today]
    assert len(overdue) == 2 and counts["督办函"] == 2
    assert sorted(ListingLetter.objects.values_list("listing_id", flat=True)) == sorted(x.pk for x in overdue)
    assert ListingReview.objects.filter(stage="验收").count() == 6  # 待摘牌 and the five delisted
    assert Hazard.history.filter(history_change_reason="演示数据").count() == Hazard.objects.count()
