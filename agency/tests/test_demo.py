"""The demo's 书记代办 records, on the demo year's petitions and disputes: valid, of every kind the page counts."""

import datetime
import random

import pytest

from agency import demo
from agency.models import Agency
from disputes import demo as dispute_demo
from petitions import demo as petition_demo

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_the_demo_year_has_records_of_every_kind(world):
    from units.models import Subject

    subjects = list(Subject.objects.select_related("region", "category"))
    users = {"clerk_a": world.users["clerk_a"]}
    today = datetime.date(2026, 10, 10)
    for seeder in (petition_demo.seed, dispute_demo.seed):
        seeder(rng=random.Random(7), subjects=subjects, year=2026, users=users, today=today)
    result = demo.seed(rng=random.Random(7), subjects=subjects, year=2026, users=users, today=today)
    records = list(Agency.objects.all())
    assert result == {"书记代办": len(records)} and len(records) >= 20
    for record in records:
        record.full_clean()
        assert record.taken_on >= record.matter_date
    assert {r.source for r in records} == {"上级交办", "本级自查"}
    assert {r.status for r in records} >= {"代办中", "已办结"}
    assert any(r.dispute_id for r in records) and any(r.petition_id for r in records)
    escalated = [r for r in records if r.history.filter(history_change_reason__startswith="逐级上报").exists()]
    assert escalated and all(r.level == "乡镇" for r in escalated)
