"""user_create (units.services) is the one way a user is made: by an administrator or by the system
(actor None: add_user, seed_demo, the fixtures), audited in the user's history; any other actor, or a
bad input, is refused and nothing is written."""

from __future__ import annotations

import importlib.util
import io
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from sanzero.audit import audit_trail
from sanzero.roles import Role
from sanzero.services import ServiceError
from units.services import UserInputError, user_create

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "Qingshi-Anquan-2026"


def create(world, actor, username="liu_clerk", **extra):
    data = {
        "username": username,
        "role": Role.CLERK,
        "region_codes": [world.town_a.code],
        "password": PASSWORD,
        "full_name": "刘录入",
        **extra,
    }
    return user_create(actor=actor, **data)


def nothing_written(username: str) -> bool:
    return not User.objects.filter(username=username).exists() and not User.history.filter(username=username).exists()


def test_an_administrator_creates_a_user_and_the_history_names_them(world):
    admin = world.users["admin"]
    user = create(world, admin)
    record = user.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        admin,
        "新建用户（乡镇(街道)录入员，管辖：甲镇）",
    )
    assert (record.username, record.role, record.full_name) == ("liu_clerk", Role.CLERK, "刘录入")
    entry = audit_trail(user)[0]
    assert (entry.who, entry.action) == (admin.display_name, "新建")
    assert list(user.scope_regions.all()) == [world.town_a] and user.check_password(PASSWORD)


def test_the_history_keeps_no_password_and_no_login_time(world):
    names = {f.name for f in User.history.model._meta.fields}
    assert {"username", "role", "is_active", "is_superuser", "department"} <= names
    assert not {"password", "last_login"} & names


def test_the_system_creates_users_as_actor_none_and_the_history_says_system(world, monkeypatch):
    user = create(world, None)
    assert user.history.get().history_user is None
    assert audit_trail(user)[0].who == "系统"
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{PASSWORD}\n"))
    call_command("add_user", "root2", "--role", "admin", stdout=io.StringIO(), stderr=io.StringIO())
    root = User.objects.get(username="root2")
    assert (root.history.get().history_user, audit_trail(root)[0].who) == (None, "系统")
    assert root.history.get().history_change_reason == "新建用户（系统管理员，管辖：全部）"


def test_the_fixture_users_were_created_by_the_service(world):
    assert User.history.filter(history_type="+").count() == User.objects.count() == 6


@pytest.mark.parametrize("username", ["county", "clerk_a", "grid_a", "dept_edu"])
def test_other_roles_are_refused_and_nothing_is_written(world, username):
    with pytest.raises(PermissionDenied, match="只有系统管理员可以新建用户"):
        create(world, world.users[username])
    assert nothing_written("liu_clerk")


def test_an_anonymous_or_inactive_actor_is_refused(world):
    inactive = User.objects.get(pk=world.users["admin"].pk)
    inactive.is_active = False
    for actor in (AnonymousUser(), inactive):
        with pytest.raises(PermissionDenied):
            create(world, actor)
    assert nothing_written("liu_clerk")


def test_bad_input_is_refused_with_every_reason_and_nothing_is_written(world):
    with pytest.raises(UserInputError) as refused:
        user_create(
            actor=world.users["admin"],
            username="wei_edu",
            role=Role.DEPARTMENT,
            region_codes=["990199000000"],
            password="123",
        )
    assert isinstance(refused.value, ServiceError)  # shown as an error by the pages and the admin
    message = str(refused.value)
    assert "区划代码“990199000000”不存在" in message and "必须指定部门" in message and "密码不符合要求" in message
    assert nothing_written("wei_edu")
    with pytest.raises(UserInputError, match="已存在"):
        create(world, world.users["admin"], username="clerk_a")
    assert User.history.filter(username="clerk_a").count() == 1


def test_logging_in_sets_last_login_without_a_history_entry(world, client):
    user = create(world, None)
    client.force_login(user)
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == 1


def test_there_is_no_second_copy_of_user_create():
    assert importlib.util.find_spec("units.accounts") is None


# --- the admin's 增加用户 ------------------------------------------------------------------------------


def admin_add(client, **data):
    return client.post(
        "/admin/sanzero/user/add/",
        {
            "username": "liu_clerk",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "刘录入",
            "role": Role.CLERK,
            "scope_regions": [],
            "department": "",
            "_save": "保存",
            **data,
        },
        follow=True,
    )


def test_the_admin_creates_users_through_the_service(world, client_as):
    client = client_as("admin")
    response = admin_add(client, scope_regions=[world.town_a.pk, world.town_b.pk])
    assert response.status_code == 200
    user = User.objects.get(username="liu_clerk")
    assert user.role == Role.CLERK and not user.is_staff and user.check_password(PASSWORD)
    assert set(user.scope_regions.all()) == {world.town_a, world.town_b}
    record = user.history.get()
    assert (record.history_user, record.history_change_reason) == (
        world.users["admin"],
        "新建用户（乡镇(街道)录入员，管辖：甲镇、乙镇）",
    )
    history = client.get(f"/admin/sanzero/user/{user.pk}/history/").content.decode()
    assert "新建用户（乡镇(街道)录入员，管辖：甲镇、乙镇）" in history


def test_a_refusal_of_the_service_is_an_admin_error_and_nothing_is_written(world, client_as):
    response = admin_add(client_as("admin"), username="wei_edu", role=Role.DEPARTMENT, scope_regions=[world.county.pk])
    assert "行业主管部门用户必须指定部门" in response.content.decode()
    assert nothing_written("wei_edu")


def test_the_user_history_is_read_only_in_the_admin(world, client_as):
    user = world.users["clerk_a"]
    record = user.history.get()
    client = client_as("admin")
    assert client.get(f"/admin/sanzero/user/{user.pk}/history/{record.history_id}/").status_code == 200
    assert (
        client.post(f"/admin/sanzero/user/{user.pk}/history/{record.history_id}/", {"username": "renamed"}).status_code
        == 403
    )
    assert User.objects.filter(username="clerk_a").exists()
