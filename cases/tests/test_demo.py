"""The demo seeder's year of cases: plausible counts, valid rows, one history entry each."""

import random

import pytest

from cases import demo
from cases.models import PoliceCase
from cases.tests.helpers import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_the_demo_seeder_makes_a_plausible_year(world):
    subjects = [world.shop_a, world.school_a, world.shop_b, world.school_b]
    counts = demo.seed(rng=random.Random(7), subjects=subjects, year=2026, users=world.users, today=TODAY)
    cases = list(PoliceCase.objects.all())
    assert counts == {"案件": len(cases)} and len(cases) == 120
    criminal = [c for c in cases if c.kind == "刑事"]
    public = [c for c in cases if c.kind == "治安"]
    assert len(criminal) == 36 and len(public) == 84
    assert sum(c.major_influence for c in public) == 13
    assert not any(c.major_influence for c in criminal)
    assert {c.status for c in cases} == {"侦办中", "已破案", "已结案"}
    for c in cases:
        c.full_clean()
        assert c.occurred_on <= TODAY and (c.closed_on or c.occurred_on) <= TODAY
        assert c.unit.startswith("测试县公安局") and (c.unit.endswith("派出所") or c.unit.endswith("大队"))
        assert c.status != "已结案" or c.kind == "治安" or c.solved_on is not None
    assert len({c.case_no for c in cases}) == 120
    assert PoliceCase.history.count() == 120
