"""An accident's grade (事故等级) follows the national thresholds of deaths, serious injuries and loss."""

import datetime

import pytest

from hazards import services
from hazards.models import Accident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_accident_grade_follows_the_national_thresholds(world):
    def make(**kw):
        return services.accident_create(
            actor=world.users["clerk_a"],
            data={"subject": world.shop_a, "occurred_on": datetime.date(2026, 3, 1), "kind": "生产安全", **kw},
        )

    assert make(deaths=0, injuries=0).grade == "一般"
    assert make(deaths=3).grade == "较大"
    assert make(injuries=50, serious_injuries=50).grade == "重大"
    assert make(injuries=60, serious_injuries=9).grade == "一般"  # minor injuries do not raise the grade
    assert make(injuries=12, serious_injuries=10).grade == "较大"
    assert make(direct_loss=10000).grade == "特别重大"
    a = make(injuries=1)
    assert a.has_casualties
    assert Accident.objects.count() == 7
