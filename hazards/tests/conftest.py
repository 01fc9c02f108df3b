"""Fixtures of the hazard tests (plain helpers are in helpers.py). None is autouse: a module asks for
them by name, e.g. ``pytestmark = pytest.mark.usefixtures("fixed_clock")``."""

import datetime

import pytest
import time_machine

from sanzero.roles import Role
from sanzero.testing import PASSWORD


@pytest.fixture
def fixed_clock():
    """16 March 2026, 10:00: the hazards below were found on 2 March."""
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


@pytest.fixture
def clerk_a2(world):
    """A second clerk of township A (甲镇), who may accept what clerk_a rectified."""
    from units.services import user_create

    user = user_create(
        actor=None,
        username="clerk_a2",
        role=Role.CLERK,
        region_codes=[world.town_a.code],
        password=PASSWORD,
        check_password_strength=False,
    )
    world.users["clerk_a2"] = user
    return user
