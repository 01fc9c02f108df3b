"""The demo seeder's year of disputes: plausible statuses, escalations and visits, deadlines as computed."""

import random

import pytest

from disputes import demo
from disputes.models import Dispute, DisputeEscalation, FollowUpVisit
from disputes.tests.helpers import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_demo_seeder_makes_a_plausible_year(world):
    subjects = [world.shop_a, world.school_a, world.shop_b, world.school_b]
    result = demo.seed(
        rng=random.Random(7), subjects=subjects, year=2026, users=dict(world.users, grid=None), today=TODAY
    )
    assert result == {"矛盾纠纷": 650}
    statuses = dict.fromkeys(("调解中", "已化解", "调解不成", "已移交"), 0)
    for status in Dispute.objects.values_list("status", flat=True):
        statuses[status] += 1
    assert statuses["已化解"] > 500 and statuses["调解不成"] + statuses["已移交"] > 10 and statuses["调解中"] > 3
    assert Dispute.objects.overdue(TODAY).exists()
    assert DisputeEscalation.objects.count() > 150 and FollowUpVisit.objects.count() > 100
    assert Dispute.history.count() == 650
    for d in Dispute.objects.select_related("level")[:650]:
        assert d.due_on == d.compute_due_on(None)
        assert d.level_started_on >= d.found_on and (d.resolved_on is None or d.resolved_on >= d.found_on)
