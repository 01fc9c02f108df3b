"""The demo seeder's year of petitions: valid rows and ID numbers, plausible key, status and overdue counts."""

import random

import pytest

from petitions import demo
from petitions.models import Petition
from petitions.tests.helpers import TODAY
from sanzero.validators import id_number_ok

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_demo_seed_makes_a_plausible_valid_year(world):
    from units.models import Subject

    subjects = list(Subject.objects.select_related("region", "category"))
    users = {"clerk_a": world.users["clerk_a"]}
    result = demo.seed(rng=random.Random(7), subjects=subjects, year=2026, users=users, today=TODAY)
    rows = list(Petition.objects.with_collective().select_related("subject"))
    assert result == {"信访": len(rows)} and 180 < len(rows) <= 180 + demo.REPEATS
    for p in rows:
        p.full_clean()
        assert not p.id_number or (id_number_ok(p.id_number) and p.id_number.startswith("990121"))
    key = sum(p.is_key for p in rows)
    assert 10 <= key <= 45
    assert {p.status for p in rows} == {"办理中", "已答复", "已办结"}
    assert any(p.extended_days for p in rows)
    assert 1 <= Petition.objects.overdue(TODAY).count() <= 30
    assert Petition.history.count() == len(rows)
    # issue 14: numbered, with sources, 异常访 and 重复访 (some left for the system to suggest)
    assert len({p.case_number for p in rows}) == len(rows) and all(
        p.case_number.startswith("XF2026990121") for p in rows
    )
    assert {p.source for p in rows} == {"本级受理", "上级交办", "转送"}
    assert any(p.abnormal_visit for p in rows) and all(p.is_abnormal for p in rows if p.abnormal_visit)
    flagged = [p for p in rows if p.is_repeat]
    assert flagged and Petition.objects.suspected_repeat(Petition.objects.all()).exists()
