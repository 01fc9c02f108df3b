"""Fixtures of the petition tests (plain helpers are in helpers.py). None is autouse: a module asks for
them by name, e.g. ``pytestmark = pytest.mark.usefixtures("fixed_clock")``."""

import datetime

import pytest
import time_machine


@pytest.fixture
def fixed_clock():
    """16 March 2026, 10:00: the petitions below were received on 30 January."""
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield
