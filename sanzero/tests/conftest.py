"""Fixtures of the kernel's tests (the county, the clients, the worker and the browser are in the root
conftest.py; plain helpers in helpers.py). None is autouse: a module asks for them by name, e.g.
``pytestmark = pytest.mark.usefixtures("media")``."""

import pytest


@pytest.fixture
def media(settings, tmp_path):
    """Uploads, import records and export files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
