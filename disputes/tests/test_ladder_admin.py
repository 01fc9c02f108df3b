"""The mediation ladder in the Django admin goes through disputes.services (level_create, level_update,
level_delete) with the administrator as the actor: audited as on the settings page; a refusal is an
admin error message and nothing is written; a staff user of another role gets 403."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from disputes.models import MediationLevel
from disputes.services import dispute_create, level_create, level_delete

pytestmark = pytest.mark.django_db
URL = "/admin/disputes/mediationlevel/"


def a_dispute(world):
    return dispute_create(
        actor=world.users["clerk_a"],
        data={
            "subject": world.shop_a,
            "found_on": datetime.date(2026, 3, 2),
            "category": "邻里纠纷",
            "summary": "排水沟堵塞",
            "source": "网格排查",
            "parties": "张三",
            "people_count": 1,
            "risk_colour": "黄",
        },
    )


def last_record(level):
    return level.history.order_by("-history_id").first()


def test_adding_a_level_in_the_admin_is_level_create_audited_with_the_administrator(world, client_as):
    response = client_as("admin").post(
        f"{URL}add/", {"order": 50, "name": "县矛调中心", "working_days": 3, "_save": "保存"}
    )
    assert response.status_code == 302
    level = MediationLevel.objects.get(name="县矛调中心")
    record = level.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        world.users["admin"],
        "新增调解层级“县矛调中心”（3个工作日）",
    )


def test_changing_a_level_in_the_admin_is_level_update_versioned_and_audited(world, client_as):
    level = MediationLevel.first()
    response = client_as("admin").post(
        f"{URL}{level.pk}/change/", {"order": 10, "name": "网格员", "working_days": 2, "_save": "保存"}
    )
    assert response.status_code == 302
    level.refresh_from_db()
    assert (level.working_days, level.version) == (2, 2)
    record = last_record(level)
    assert (record.history_user, record.history_change_reason) == (world.users["admin"], "修改调解层级“网格员”")


def test_reverting_a_level_in_the_admin_history_goes_through_level_update(world, client_as):
    level = MediationLevel.first()
    client = client_as("admin")
    first = last_record(level)
    client.post(f"{URL}{level.pk}/change/", {"order": 10, "name": "网格员", "working_days": 2, "_save": "保存"})
    response = client.post(
        f"{URL}{level.pk}/history/{first.history_id}/",
        {"order": 10, "name": "网格员", "working_days": 1, "_save": "保存"},
    )
    assert response.status_code == 302
    level.refresh_from_db()
    assert (level.working_days, level.version) == (1, 3)
    assert last_record(level).history_user == world.users["admin"]


def test_deleting_an_unused_level_in_the_admin_is_level_delete_audited(world, client_as):
    level = level_create(actor=world.users["county"], data={"order": 50, "name": "县矛调中心", "working_days": 2})
    response = client_as("admin").post(f"{URL}{level.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not MediationLevel.objects.filter(pk=level.pk).exists()
    record = MediationLevel.history.filter(id=level.pk).order_by("-history_id").first()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "-",
        world.users["admin"],
        "删除调解层级“县矛调中心”",
    )


def test_a_level_in_use_is_not_deleted_in_the_admin(world, client_as):
    d = a_dispute(world)
    response = client_as("admin").post(f"{URL}{d.level_id}/delete/", {"post": "yes"})
    assert response.status_code == 200 and "无法删除" in response.content.decode()  # the admin's own PROTECT check
    assert MediationLevel.objects.filter(pk=d.level_id).exists()


def test_deleting_the_last_level_is_an_admin_error_and_nothing_is_deleted(world, client_as):
    *others, last = MediationLevel.objects.order_by("-order")
    for level in others:
        level_delete(actor=world.users["county"], obj=level)
    response = client_as("admin").post(f"{URL}{last.pk}/delete/", {"post": "yes"}, follow=True)
    assert "调解层级至少保留一级" in response.content.decode()
    assert list(MediationLevel.objects.all()) == [last]
    assert not MediationLevel.history.filter(id=last.pk, history_type="-").exists()


def test_deleting_selected_levels_is_all_or_nothing(world, client_as):
    levels = list(MediationLevel.objects.all())
    response = client_as("admin").post(
        URL, {"action": "delete_selected", "post": "yes", "_selected_action": [x.pk for x in levels]}, follow=True
    )
    assert "调解层级至少保留一级" in response.content.decode()
    assert list(MediationLevel.objects.all()) == levels  # the first three deletions were rolled back too
    assert not MediationLevel.history.filter(history_type="-").exists()


def test_a_staff_user_of_another_role_is_refused_by_the_service_and_nothing_is_written(world):
    clerk = world.users["clerk_a"]
    clerk.is_staff = True
    clerk.save()
    clerk.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="disputes", codename__endswith="mediationlevel")
    )
    client = Client()
    client.force_login(clerk)
    level = MediationLevel.first()
    assert client.post(f"{URL}add/", {"order": 50, "name": "县矛调中心", "working_days": 3}).status_code == 403
    assert (
        client.post(f"{URL}{level.pk}/change/", {"order": 10, "name": "网格员", "working_days": 5}).status_code == 403
    )
    assert client.post(f"{URL}{level.pk}/delete/", {"post": "yes"}).status_code == 403
    level.refresh_from_db()
    assert (MediationLevel.objects.count(), level.working_days, level.version, level.history.count()) == (4, 1, 1, 1)
