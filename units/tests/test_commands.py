"""add_user and seed_demo: good calls do their job; bad calls say why in Chinese and change nothing."""

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from sanzero.roles import Role
from units.models import Category, Department, Region, Subject

pytestmark = pytest.mark.django_db

User = get_user_model()
GOOD_PASSWORD = "Qingshi-Anquan-2026"
BASE_DIR = Path(__file__).resolve().parents[2]


def add_user(monkeypatch, *args, password=GOOD_PASSWORD):
    """Run add_user as an operator would, the password arriving on standard input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{password}\n"))
    out = io.StringIO()
    call_command("add_user", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- add_user --------------------------------------------------------------------------------


def test_add_user_creates_a_clerk_with_two_townships(world, monkeypatch):
    out = add_user(
        monkeypatch,
        "liu_clerk",
        "--role",
        "clerk",
        "--region",
        world.town_a.code,
        "--region",
        world.town_b.code,
        "--full-name",
        "刘录入",
    )
    user = User.objects.get(username="liu_clerk")
    assert user.role == Role.CLERK
    assert user.full_name == "刘录入"
    assert set(user.scope_regions.values_list("code", flat=True)) == {world.town_a.code, world.town_b.code}
    assert user.check_password(GOOD_PASSWORD)
    assert not user.is_staff and not user.is_superuser
    assert "已创建用户 liu_clerk" in out and "甲镇、乙镇" in out


def test_add_user_creates_department_staff_and_an_admin(world, monkeypatch):
    add_user(monkeypatch, "wei_edu", "--role", "department", "--region", world.county.code, "--department", "教育局")
    staff = User.objects.get(username="wei_edu")
    assert staff.role == Role.DEPARTMENT and staff.department.name == "教育局"
    assert list(staff.scope_regions.all()) == [world.county]

    out = add_user(monkeypatch, "root2", "--role", "admin")
    admin = User.objects.get(username="root2")
    assert admin.role == Role.ADMIN and admin.is_staff and admin.is_superuser
    assert "管辖：全部" in out


def test_a_new_clerk_can_log_in_and_sees_only_their_township(world, monkeypatch, client):
    add_user(monkeypatch, "liu_clerk", "--role", "clerk", "--region", world.town_b.code)
    assert client.login(username="liu_clerk", password=GOOD_PASSWORD)
    response = client.get("/subjects/")
    assert response.status_code == 200
    assert {row.record.name for row in response.context["table"].rows} == {"乙镇中学", "乙一村商店", "乙一村"}


@pytest.mark.parametrize(
    "args,password,message",
    [
        (["newbie", "--role", "boss", "--region", "990121100000"], GOOD_PASSWORD, "角色“boss”无效"),
        (["newbie", "--role", "clerk", "--region", "990121999000"], GOOD_PASSWORD, "区划代码“990121999000”不存在"),
        (
            ["newbie", "--role", "clerk", "--region", "990121100000", "--region", "abc"],
            GOOD_PASSWORD,
            "区划代码“abc”不存在",
        ),
        (["newbie", "--role", "clerk"], GOOD_PASSWORD, "至少需要一个管辖区划"),
        (["newbie", "--role", "clerk", "--region", "990121100000"], "", "密码不能为空"),
        (["newbie", "--role", "clerk", "--region", "990121100000"], "12345678", "密码不符合要求"),
        (["newbie", "--role", "department", "--region", "990121000000"], GOOD_PASSWORD, "必须指定部门（--department）"),
        (
            ["newbie", "--role", "department", "--region", "990121000000", "--department", "宣传部"],
            GOOD_PASSWORD,
            "部门“宣传部”不存在",
        ),
        (["clerk_a", "--role", "clerk", "--region", "990121100000"], GOOD_PASSWORD, "用户名“clerk_a”已存在"),
        (["   ", "--role", "clerk", "--region", "990121100000"], GOOD_PASSWORD, "用户名不能为空"),
    ],
)
def test_add_user_refuses_bad_input_and_creates_nobody(world, monkeypatch, args, password, message):
    before = set(User.objects.values_list("username", "password"))
    with pytest.raises(CommandError) as exc:
        add_user(monkeypatch, *args, password=password)
    assert message in str(exc.value)
    assert set(User.objects.values_list("username", "password")) == before


def test_add_user_lists_every_problem_at_once(world, monkeypatch):
    with pytest.raises(CommandError) as exc:
        add_user(monkeypatch, "newbie", "--role", "boss", "--region", "990121999000", password="")
    message = str(exc.value)
    assert "角色“boss”无效" in message and "区划代码“990121999000”不存在" in message and "密码不能为空" in message
    assert not User.objects.filter(username="newbie").exists()


# --- add_user as a real process: exit status, stderr, no traceback ---------------------------


@pytest.fixture
def sqlite_env(tmp_path):
    """Environment for manage.py on a throwaway SQLite file, migrated once."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if k in os.environ}
    env.update(SQLITE_PATH=str(tmp_path / "cmd.sqlite3"), SANZERO_VAR_DIR=str(tmp_path), PYTHONIOENCODING="utf-8")
    done = manage(env, "migrate", "--noinput", "-v0")
    assert done.returncode == 0, done.stderr
    return env


def manage(env, *args, stdin=""):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
    )


def usernames(env) -> list[str]:
    with sqlite3.connect(env["SQLITE_PATH"]) as db:
        return [row[0] for row in db.execute("SELECT username FROM sanzero_user ORDER BY username")]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--role", "boss"], "角色“boss”无效"),
        (["--role", "clerk", "--region", "990121100000"], "区划代码“990121100000”不存在"),
    ],
)
def test_add_user_process_fails_with_exit_1_and_a_chinese_message(sqlite_env, args, message):
    done = manage(sqlite_env, "add_user", "newbie", *args, stdin=f"{GOOD_PASSWORD}\n")
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert usernames(sqlite_env) == []

    # The same environment does create a user when the input is good, so the empty table means something.
    done = manage(sqlite_env, "add_user", "root2", "--role", "admin", stdin=f"{GOOD_PASSWORD}\n")
    assert done.returncode == 0, done.stderr
    assert "已创建用户 root2" in done.stdout
    assert usernames(sqlite_env) == ["root2"]


# --- seed_demo ---------------------------------------------------------------------------------


def test_seed_demo_loads_the_county_once_and_refuses_other_scales(db):
    out = io.StringIO()
    call_command("seed_demo", "--year", "2026", stdout=out)
    assert "已载入演示县：161个区划，8000个创建主体" in out.getvalue()

    assert Region.objects.count() == 161
    assert Region.objects.filter(level="township").count() == 10
    assert Subject.objects.count() == 8000
    assert Subject.history.count() == 8000
    # every village and community is itself a subject
    assert Subject.objects.filter(village_region__isnull=False).count() == 150
    assert set(User.objects.values_list("username", flat=True)) == {
        "admin",
        "county",
        "clerk_a",
        "clerk_b",
        "grid",
        "edu",
    }
    assert {u.username: u.role for u in User.objects.all()} == {
        "admin": Role.ADMIN,
        "county": Role.COUNTY,
        "clerk_a": Role.CLERK,
        "clerk_b": Role.CLERK,
        "grid": Role.GRID,
        "edu": Role.DEPARTMENT,
    }
    assert User.objects.get(username="edu").department.name == "教育局"
    assert User.objects.get(username="grid").scope_regions.get().level == "village"
    assert User.objects.get(username="clerk_a").check_password("Sanling@2026")

    used = Category.objects.filter(subject__isnull=False).distinct()
    assert used.count() >= 10
    assert set(used.values_list("group", flat=True)) == {"village", "unit"}
    assert Department.objects.filter(subjects__isnull=False).distinct().count() >= 5
    assert Subject.objects.filter(left_on__isnull=False).exists()
    assert Subject.objects.filter(credit_code_warning=True).exists()

    counts = (Region.objects.count(), Subject.objects.count(), User.objects.count(), Subject.history.count())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "演示县已存在，未重复载入" in out.getvalue()
    assert (Region.objects.count(), Subject.objects.count(), User.objects.count(), Subject.history.count()) == counts

    with pytest.raises(
        CommandError, match="规模“town”不支持，可选：county（县）、city（市）、province（省）"
    ) as refused:
        call_command("seed_demo", "--scale", "town")
    assert refused.value.returncode == 1  # manage.py exits with it
    for scale in ("city", "province"):
        with pytest.raises(
            CommandError, match="数据库中已有161个区划：市、省规模的演示数据只能载入空数据库"
        ) as refused:
            call_command("seed_demo", "--scale", scale)
        assert refused.value.returncode == 1
    with pytest.raises(CommandError, match="年度应在2000–2100之间"):
        call_command("seed_demo", "--year", "1999")
    assert Region.objects.count() == 161
