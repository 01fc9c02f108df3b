"""The demo seeder's year of 治安问题: about as many as hazards, seven in ten solved, valid rows."""

import datetime
import random

import pytest

from publicorder import demo
from publicorder.models import PublicOrderProblem

pytestmark = pytest.mark.django_db


def test_the_demo_seeder_makes_a_plausible_year(world):
    subjects = [world.shop_a, world.school_a, world.shop_b, world.school_b, world.village_a.village_subject]
    today = datetime.date(2026, 3, 16)
    counts = demo.seed(rng=random.Random(7), subjects=subjects, year=2025, users=world.users, today=today)
    problems = list(PublicOrderProblem.objects.all())
    assert counts == {"治安问题": len(problems)} and len(problems) == 900
    solved = sum(p.status == "已解决" for p in problems)
    assert 0.65 < solved / len(problems) < 0.85
    assert {p.status for p in problems} == {"整治中", "已解决", "已移交"}
    for p in problems[:200]:
        p.full_clean()
    assert PublicOrderProblem.history.count() == 900
