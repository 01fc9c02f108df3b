"""Fixtures every app's tests may ask for: the fixture county (`world`), logged-in clients
(`client_as`), a real Celery worker (`worker`) and a headless Chromium page (`browser_page`).

Helpers that are not fixtures live in sanzero/testing.py (role matrix, query counts, `need`).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.test import Client

from config.celery import app as celery_app
from sanzero import workdays
from sanzero.testing import SCREENSHOTS, chromium_path, need, redis_ok
from units.testing import build_world

ROOT = Path(__file__).resolve().parent
# The site's MEDIA_ROOT, read before any test overrides it: where a worker process reads and writes files.
SITE_MEDIA_ROOT = django_settings.MEDIA_ROOT


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
def media(settings, tmp_path):
    """Uploads, attachments, import records and export files go to a temporary MEDIA_ROOT, never var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


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


@pytest.fixture
def worker(settings):
    """A real Celery worker process on Redis, sharing the test's PostgreSQL database; tasks stop running eagerly.

    Skipped on a bare machine, a failure where SANZERO_REQUIRE_SERVICES names redis or worker. The
    test needs a database the worker can see: mark it
    ``@pytest.mark.django_db(transaction=True, serialized_rollback=True)`` (and ``services``).
    This process's MEDIA_ROOT is set back to the site's, where the worker reads uploads and writes exports.
    """
    need("redis", redis_ok(), "no Redis answers at REDIS_URL")
    need(
        "worker",
        connection.vendor == "postgresql",
        "the worker process needs a shared database (PostgreSQL); SQLite's test database is in memory",
    )
    settings.MEDIA_ROOT = SITE_MEDIA_ROOT
    db = connection.settings_dict
    url = f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    celery_app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail("the Celery worker exited:\n" + proc.stdout.read())
            try:
                if celery_app.control.ping(timeout=1.0):
                    break
            except Exception:  # noqa: BLE001 - broker not ready yet
                time.sleep(0.5)
        else:
            pytest.fail("the Celery worker did not answer a ping within 60 s")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


_PHASE_REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so a fixture's teardown knows whether the test failed."""
    report = yield
    item.stash.setdefault(_PHASE_REPORTS, {})[report.when] = report
    return report


def failure_screenshot_path(nodeid: str) -> Path:
    """var/screenshots/FAILED-<test id>.png: where browser_page leaves the page of a failed test."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in nodeid.split("/")[-1])
    return SCREENSHOTS / f"FAILED-{safe[:150]}.png"


@pytest.fixture
def browser_page(monkeypatch, request):
    """A page of headless Chromium (Debian's /usr/bin/chromium, never a downloaded one), 1280×860, zh-CN.

    Skipped on a bare machine, a failure where SANZERO_REQUIRE_SERVICES names browser. Use it with
    `live_server` and ``@pytest.mark.django_db(transaction=True, serialized_rollback=True)``;
    sanzero.testing.browser_login logs a user in. When the test fails, the page as it was is saved
    to var/screenshots/FAILED-<test>.png (failure_screenshot_path) and the path is in the report.
    """
    path = chromium_path()
    need("browser", bool(path), "Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        need("browser", False, "playwright is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # playwright's sync API runs inside an event loop
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=path,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # where the tests' own screenshots go
        yield page
        call = request.node.stash.get(_PHASE_REPORTS, {}).get("call")
        if call is not None and call.failed:
            path = failure_screenshot_path(request.node.nodeid)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(path), full_page=True)
                call.sections.append(("browser screenshot", f"{path} (page {page.url})"))
            except Exception as exc:  # noqa: BLE001 - a closed page must not hide the test's own failure
                call.sections.append(("browser screenshot", f"none: {exc}"))
        # The test body's queries ran inside Playwright's event loop, where Django hands out connections
        # per asyncio context: close them while still in it, or the test database cannot be dropped at
        # the end of the run.
        connections.close_all()
        browser.close()
