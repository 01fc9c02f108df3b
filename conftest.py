import pytest
from django.test import Client

from config.celery import app as celery_app
from sanzero import workdays
from units.testing import build_world


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast fixtures
    # Pages render without a collectstatic run; whitenoise's manifest is for production.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_holiday_calendar():
    """The entered holidays are cached per process (sanzero.workdays); each test has its own database."""
    workdays.clear_cache()
    yield
    workdays.clear_cache()


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process in tests, also when REDIS_URL is set; the worker test opts out."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client_as(world):
    """client_as("clerk_a") → a logged-in test client; "anonymous" → a fresh one."""

    def make(username: str) -> Client:
        client = Client()
        user = world.users.get(username)
        if user is not None:
            client.force_login(user)
        return client

    return make
