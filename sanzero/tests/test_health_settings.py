"""The health probe, the production settings check and the DATABASE_URL parser."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from config.settings import database_from_url
from sanzero.testing import need

BASE_DIR = Path(__file__).resolve().parents[2]


# --- /healthz ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_the_broker_disabled_without_redis(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "broker": "disabled"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}


def redis_reachable(url: str) -> bool:
    if not url:
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping())
    except Exception:  # noqa: BLE001 - any failure means "not reachable" for this check
        return False


@pytest.mark.services
@pytest.mark.django_db
def test_healthz_reports_a_reachable_redis_as_ok(client, settings):
    url = os.environ.get("REDIS_URL", "")
    need("redis", redis_reachable(url), f"no Redis answers at REDIS_URL={url!r}")
    settings.REDIS_URL = url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


# --- production settings -------------------------------------------------------------------------


def test_deploy_check_passes_with_production_variables(tmp_path):
    # A clean environment, as on a server: nothing leaks in from the test run (DEBUG, DATABASE_URL, or
    # DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set and the deploy check rightly refuses).
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if k in os.environ}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        ALLOWED_HOSTS="sanling.example.gov.cn",
        SANZERO_VAR_DIR=str(tmp_path),
        PYTHONIOENCODING="utf-8",
        # personal data at rest: production names its own keys (sanzero.E020 refuses the dev ones)
        SANZERO_DATA_KEY="QwaAzaS8optZL1nkqgfArAXsnHIAkS8gMm39GFmzrF8=",
        SANZERO_HASH_KEY=secrets.token_urlsafe(32),
    )
    assert len(env["SECRET_KEY"]) == 60
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    assert not (tmp_path / "secret_key").exists()  # the given key is used, none generated


# --- DATABASE_URL ---------------------------------------------------------------------------------


def test_database_url_is_parsed_with_escapes_and_port():
    db = database_from_url("postgresql://u:p%40ss@db.example:5433/sanzero")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "sanzero",
        "u",
        "p@ss",
        "db.example",
        "5433",
    )


def test_database_url_without_port_or_password_and_the_postgres_alias():
    db = database_from_url("postgres://sanzero@localhost/sanzero_test")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "sanzero_test",
        "sanzero",
        "",
        "localhost",
        "",
    )


@pytest.mark.parametrize("url", ["mysql://u:p@db/sanzero", "sqlite:///var/x.sqlite3", "db.example/sanzero"])
def test_an_unsupported_database_url_is_refused(url):
    with pytest.raises(ValueError, match="unsupported scheme"):
        database_from_url(url)


@pytest.mark.services
@pytest.mark.django_db
def test_database_url_puts_the_site_on_postgresql():
    need("postgres", bool(os.environ.get("DATABASE_URL")), "DATABASE_URL is not set (running on SQLite)")
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
