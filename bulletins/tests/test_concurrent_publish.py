"""Two county users publish two drafts at the same moment (PostgreSQL, real threads): both read the same
free number, the unique constraint lets one save it, and the other takes the next one — 第1期 and 第2期,
never a duplicate, never a gap. SQLite serialises writers, so the same race is replayed there by
test_bulletins.test_a_publish_that_read_a_stale_number_takes_the_next_one."""

import datetime

import pytest
import time_machine
from django.db import connection

from bulletins import services
from bulletins.models import Bulletin
from bulletins.tests.helpers import MARCH, NOW, build_month
from sanzero.testing import at_once, need, widened

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _postgres_and_a_fixed_clock():
    need("postgres", connection.vendor == "postgresql", "concurrent writers need PostgreSQL (DATABASE_URL)")
    with time_machine.travel(NOW, tick=False):
        yield


def test_two_publishes_at_once_get_consecutive_numbers(world, monkeypatch):
    build_month(world)
    county = world.users["county"]
    first = services.bulletin_create(actor=county, region=world.county, month=MARCH)
    second = services.bulletin_create(actor=county, region=world.county, month=datetime.date(2026, 2, 1))
    with widened(monkeypatch, services, "next_number"):  # both read the free number before either saves
        outcomes = at_once(
            lambda: services.bulletin_publish(actor=county, bulletin=first),
            lambda: services.bulletin_publish(actor=county, bulletin=second),
        )
    assert [o.error for o in outcomes] == [None, None]
    numbers = sorted(Bulletin.objects.values_list("number", flat=True))
    assert numbers == [1, 2]
    assert sorted(o.value.number_text for o in outcomes) == ["2026年第1期", "2026年第2期"]
