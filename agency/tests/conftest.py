import datetime

import pytest
import time_machine


@pytest.fixture
def fixed_clock():
    """10 October 2026: the Changzhi-style year runs from January to the end of September."""
    with time_machine.travel(datetime.datetime(2026, 10, 10, 10, 0), tick=False):
        yield
