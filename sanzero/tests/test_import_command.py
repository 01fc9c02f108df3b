"""manage.py import_xlsx: refusals with a Chinese message, row errors and counts, the acting user, and
the exit status of a fresh process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dashboards.models import Target
from sanzero.models import ImportJob
from sanzero.tests.helpers import SUBJECT_HEADERS, VALID, xlsx
from units.models import Subject

pytestmark = pytest.mark.usefixtures("media")  # uploads and import records go to a temporary MEDIA_ROOT


BASE_DIR = Path(__file__).resolve().parents[2]


def _command_error(*args) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("import_xlsx", *args)
    return str(exc.value)


def test_the_command_refuses_bad_files_with_a_chinese_message_and_writes_nothing(world, tmp_path):
    before = (Subject.objects.count(), Subject.history.count())
    xlsx(
        [[*SUBJECT_HEADERS, "备用列"], ["新单位", "企业", "990121100000", *[None] * 7, "x"]],
        path=tmp_path / "unknown.xlsx",
    )
    assert "未知列：备用列" in _command_error("subjects", str(tmp_path / "unknown.xlsx"))
    missing = [h for h in SUBJECT_HEADERS if h != "所属区划代码"]
    xlsx([missing, ["新单位", "企业", *[None] * 8]], path=tmp_path / "missing.xlsx")
    assert "缺少必填列：所属区划代码" in _command_error("subjects", str(tmp_path / "missing.xlsx"))
    xlsx([], path=tmp_path / "empty.xlsx")
    assert "工作表为空" in _command_error("subjects", str(tmp_path / "empty.xlsx"))
    (tmp_path / "text.xlsx").write_text("主体名称,主体类别\n新单位,企业\n", encoding="utf-8")
    assert "文件不是有效的Excel（.xlsx）文件" in _command_error("subjects", str(tmp_path / "text.xlsx"))
    xlsx([SUBJECT_HEADERS], path=tmp_path / "headers.xlsx")
    assert "没有数据行" in _command_error("subjects", str(tmp_path / "headers.xlsx"))
    message = _command_error("subjects", str(tmp_path / "nowhere.xlsx"))
    assert "文件不存在" in message
    assert (Subject.objects.count(), Subject.history.count()) == before


def test_the_command_prints_every_row_error_and_the_counts(world, tmp_path, capsys):
    path = tmp_path / "s.xlsx"
    xlsx(
        [
            SUBJECT_HEADERS,
            ["命令单位", "企业", "990121100000", None, None, None, None, None, None, None],
            ["命令坏一", "企业", "990121100000", None, None, None, "1", None, None, None],
            ["命令坏二", "学堂", "990121100000", None, None, None, None, None, None, None],
        ],
        path=path,
    )
    message = _command_error("subjects", str(path))
    assert "第3行 联系电话: " in message and "第4行 主体类别: " in message
    failed = ImportJob.objects.get(filename="s.xlsx")
    assert f"导入失败：共2处错误，未写入任何数据（导入记录#{failed.pk}）。" in message
    assert not Subject.objects.filter(name="命令单位").exists()
    # The command leaves the same record an upload does: who, the file, the counts, every error.
    assert (failed.status, failed.user, failed.total_rows) == ("failed", world.users["admin"], 3)
    assert [(e["row"], e["column"]) for e in failed.errors] == [(3, "联系电话"), (4, "主体类别")]
    assert failed.file.read().startswith(b"PK")

    xlsx([SUBJECT_HEADERS, ["命令单位", "企业", "990121100000", None, None, None, None, None, None, None]], path=path)
    call_command("import_xlsx", "subjects", str(path), "--dry-run")
    assert "试导入通过（--dry-run，未写入）：创建主体，共1行，新增1行" in capsys.readouterr().out
    assert not Subject.objects.filter(name="命令单位").exists()
    call_command("import_xlsx", "subjects", str(path), "--user", "clerk_a")
    done = ImportJob.objects.filter(status="done").get()
    assert f"导入完成：创建主体，共1行，新增1行，修改0行，未变化0行（导入记录#{done.pk}）。" in capsys.readouterr().out
    assert (done.user, done.new_rows, done.finished_at is not None) == (world.users["clerk_a"], 1, True)
    assert ImportJob.objects.filter(status="validated").count() == 1  # the --dry-run
    subject = Subject.objects.get(name="命令单位")
    assert subject.history.get().history_user == world.users["clerk_a"]
    assert "用户“nobody”不存在" in _command_error("subjects", str(path), "--user", "nobody")


def test_the_command_acts_as_the_first_admin_and_refuses_without_one(world, tmp_path, capsys):
    path = tmp_path / "t.xlsx"
    xlsx(VALID["targets"][1], path=path)
    call_command("import_xlsx", "targets", str(path))
    assert "新增3行" in capsys.readouterr().out
    assert Target.history.filter(history_user=world.users["admin"]).count() == 3
    world.users["admin"].is_active = False  # users are deactivated, never deleted (their records stay theirs)
    world.users["admin"].save()
    assert "没有可用的系统管理员用户" in _command_error("targets", str(path))


def _child_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        SQLITE_PATH=str(tmp_path / "child.sqlite3"), SANZERO_VAR_DIR=str(tmp_path / "var"), PYTHONIOENCODING="utf-8"
    )
    return env


def _manage(env, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_command_exits_1_on_a_refused_file_in_a_fresh_process(tmp_path):
    env = _child_env(tmp_path)
    assert _manage(env, "migrate", "-v0").returncode == 0
    created = _manage(env, "add_user", "root", "--role", "admin", stdin="Root-pass-2026\n")
    assert created.returncode == 0, created.stderr
    (tmp_path / "renamed.xlsx").write_text("区划代码,名称\n990121000000,测试县\n", encoding="utf-8")
    refused = _manage(env, "import_xlsx", "regions", str(tmp_path / "renamed.xlsx"))
    assert refused.returncode == 1
    assert "文件不是有效的Excel（.xlsx）文件" in refused.stderr and "未写入任何数据" in refused.stderr

    xlsx(
        [
            ["区划代码", "名称", "层级", "上级区划代码"],
            ["990121000000", "测试县", "县", None],
            ["990121100000", "甲镇", "乡镇", "990121000000"],
            ["990121100200", "甲一村", "村", "99012110000X"],
        ],
        path=tmp_path / "regions.xlsx",
    )
    bad_row = _manage(env, "import_xlsx", "regions", str(tmp_path / "regions.xlsx"))
    assert bad_row.returncode == 1
    assert "第4行 上级区划代码: 上级区划“99012110000X”不存在（系统和本文件中都没有）" in bad_row.stderr
    with sqlite3.connect(tmp_path / "child.sqlite3") as db:
        assert db.execute("select count(*) from units_region").fetchone()[0] == 0  # not even the two good rows

    xlsx(
        [
            ["区划代码", "名称", "层级", "上级区划代码"],
            ["990121000000", "测试县", "县", None],
            ["990121100000", "甲镇", "乡镇", "990121000000"],
        ],
        path=tmp_path / "regions.xlsx",
    )
    done = _manage(env, "import_xlsx", "regions", str(tmp_path / "regions.xlsx"))
    assert done.returncode == 0, done.stderr
    assert "新增2行" in done.stdout
    with sqlite3.connect(tmp_path / "child.sqlite3") as db:
        assert db.execute("select count(*) from units_region").fetchone()[0] == 2
