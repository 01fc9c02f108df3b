"""The backup and restore drill (scripts/restore_drill.py, docs/backup.md) on the fixture county.

pg_dump of the test database, pg_restore into a fresh one, and the checks: every table's row count,
every sequence, and March's committee-report figures read with reports.builder on both databases.
The same drill with one row lost from the copy must fail and name the table.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from dashboards import compute
from hazards.models import Accident
from petitions.models import Petition
from sanzero.testing import need

pytestmark = pytest.mark.services
# pg_dump reads from another process: the fixture county must be committed (and the categories of the
# data migrations put back for the next test).
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parent.parent
DRILL = ROOT / "scripts" / "restore_drill.py"
MARCH = datetime.date(2026, 3, 1)


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def run_drill(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SANZERO_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # the source is given explicitly: the test database, not the site's
    return subprocess.run(
        [sys.executable, str(DRILL), "--source", database_url(), "--month", "2026-03", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def march(world):
    """The fixture county with March computed: an injury fails 甲一村超市, a collective petition 乙镇中学."""
    need("postgres", connection.vendor == "postgresql", "the drill dumps and restores a PostgreSQL database")
    need("postgres", bool(shutil.which("pg_dump") and shutil.which("pg_restore")), "pg_dump/pg_restore missing")
    Accident.objects.create(subject=world.shop_a, occurred_on=datetime.date(2026, 3, 10), kind="火灾", injuries=1)
    Petition.objects.create(
        subject=world.school_b,
        received_on=datetime.date(2026, 3, 3),
        channel="来访",
        type="申诉求决",
        headcount=6,
        level_reached="县",
        content="集体访",
    )
    compute.compute_month(region=world.county, month=MARCH)
    return world


@committed
def test_the_restored_copy_has_the_same_rows_and_the_same_report(march, tmp_path):
    run = run_drill(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "演练通过" in run.stdout and "恢复耗时" in run.stdout
    result = json.loads((tmp_path / "restore_drill.json").read_text())
    assert result["problems"] == []
    assert result["restore_seconds"] > 0
    # The report compared is the fixture county's March: 7 subjects, 5 passing (shop_a, school_b fail).
    assert result["report_region"] == f"{march.county.code} 测试县"
    assert (result["report_month"], result["report_subjects"], result["report_passed"]) == ("2026-03", 7, 5)
    assert result["tables"] > 40 and result["rows"] > 0
    # The copy is dropped after the drill, and the dump file with it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [result["target"]])
        assert cursor.fetchone()[0] == 0
    assert not Path(result["dump"]).exists()


@committed
def test_the_drill_fails_when_the_copy_lost_a_row(march, tmp_path):
    run = run_drill(tmp_path, "--drop-row", "units_subject")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "演练失败" in run.stderr
    assert "表 units_subject：源库 7 行，恢复库 6 行" in run.stderr


def test_a_source_that_does_not_exist_is_a_clear_failure(tmp_path):
    need("postgres", connection.vendor == "postgresql", "the drill dumps and restores a PostgreSQL database")
    env = {**os.environ, "SANZERO_VAR_DIR": str(tmp_path)}
    missing = database_url().rsplit("/", 1)[0] + "/sanzero_no_such_database"
    run = subprocess.run(
        [sys.executable, str(DRILL), "--source", missing], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode == 2 and "演练失败：pg_dump 失败" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
