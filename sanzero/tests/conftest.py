"""Fixtures of the kernel's tests (the county, the clients, the worker and the browser are in the root
conftest.py; plain helpers in helpers.py). None is autouse: a module asks for them by name, e.g.
``pytestmark = pytest.mark.usefixtures("media")``."""

import datetime

import pytest
import time_machine

from sanzero.tests.helpers import LEDGERS, add_entry, add_subject


@pytest.fixture
def export_clock():
    """16 March 2026, 18:00 in Shanghai: the time in the exports' file names."""
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


@pytest.fixture
def holiday_clock():
    """31 December 2026, 10:00 in Shanghai: the eve of 2027, the first year chinesecalendar does not know."""
    with time_machine.travel(datetime.datetime(2026, 12, 31, 2, 0), tick=False):  # 10:00 in Shanghai
        yield


@pytest.fixture
def export_data(world):
    """Two entries of every ledger on each of the four subjects (A: shop_a, school_a; B: shop_b, school_b)."""
    n = 0
    for subject in (world.shop_a, world.school_a, world.shop_b, world.school_b):
        for _ in range(2):
            n += 1
            for kind in LEDGERS:
                add_entry(world, kind, subject, n)
    for i, region in enumerate((world.village_a, world.town_a, world.village_b, world.town_b)):
        add_subject(world, 100 + i, region=region)
    return world
