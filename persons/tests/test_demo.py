"""The demo county's persons (persons.demo, run by seed_demo): a few hundred persons with their visits,
the demo grid worker's village kept by it, some overdue, some linked to the demo's petitions."""

import datetime
import random

import pytest

from persons import demo
from persons.models import KeyPerson, PersonLink, PersonVisit
from units.models import Subject

pytestmark = pytest.mark.django_db


def test_the_demo_seeder_makes_hundreds_of_persons_with_visits(world):
    today = datetime.date(2026, 10, 15)
    users = {"clerk_a": world.users["clerk_a"], "grid": world.users["grid_a"]}
    subjects = list(Subject.objects.select_related("region", "category"))
    counts = demo.seed(rng=random.Random(7), subjects=subjects, year=2026, users=users, today=today)
    assert counts["重点人员"] == demo.TOTAL == KeyPerson.objects.count()
    assert counts["走访记录"] == PersonVisit.objects.count() > 2 * demo.TOTAL
    kept = KeyPerson.objects.filter(grid_worker=world.users["grid_a"])
    assert kept.count() >= demo.IN_GRID_VILLAGE
    # the demo grid worker keeps its village's persons; the other villages' have no 包户 yet
    assert set(KeyPerson.objects.filter(subject__region=world.village_a).values_list("grid_worker", flat=True)) == {
        world.users["grid_a"].pk
    }
    assert not KeyPerson.objects.exclude(subject__region=world.village_a).exclude(grid_worker=None).exists()
    assert PersonVisit.objects.filter(by=world.users["clerk_a"]).exists()
    overdue = KeyPerson.objects.overdue(today).count()
    assert 0.05 * demo.TOTAL < overdue < 0.4 * demo.TOTAL
    assert KeyPerson.objects.filter(status="已解除").exists()
    one = KeyPerson.objects.filter(last_visited_on__isnull=False).first()
    assert one.due_on == one.last_visited_on + datetime.timedelta(days=one.visit_every_days)
    assert PersonLink.objects.count() == counts["人员关联事项"]
