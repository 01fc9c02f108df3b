"""Fixtures of the 治安问题 tests (plain helpers are in helpers.py). None is autouse."""

import datetime

import pytest
import time_machine


@pytest.fixture
def fixed_clock():
    """16 March 2026, 10:00: the problems below were found on 2 March."""
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield
