"""The kernel's writes are done by services (issue 12): the personal-data reveal and its access log.
The row written names the actor, the wrong role or a record outside the scope is refused, and a
refusal writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import FieldDoesNotExist, PermissionDenied

from disputes.services import dispute_create
from petitions.services import petition_create
from sanzero import privacy
from sanzero.models import AccessLog

pytestmark = pytest.mark.django_db


def a_dispute(world, subject=None):
    return dispute_create(actor=world.users["clerk_a"], data={
        "subject": subject or world.shop_a, "found_on": datetime.date(2026, 3, 2), "category": "邻里纠纷",
        "summary": "排水沟堵塞", "source": "网格排查", "parties": "张三、李小四", "people_count": 2, "risk_colour": "黄"})


# --- 显示完整个人信息 -----------------------------------------------------------------------------------

def test_a_reveal_is_logged_with_the_actor_the_record_and_the_fields(world):
    d = a_dispute(world)
    log = privacy.personal_data_reveal(actor=world.users["clerk_a"], obj=d, fields=["parties", "parties"])
    assert AccessLog.objects.get() == log
    assert (log.user, log.action, log.object_label, log.object_id, log.fields) == (
        world.users["clerk_a"], AccessLog.Action.REVEAL, "disputes.dispute", str(d.pk), "parties")


@pytest.mark.parametrize("username", ["grid_a", "dept_edu"])
def test_a_role_outside_the_reveal_roles_is_refused_and_nothing_is_logged(world, username):
    d = a_dispute(world)  # grid_a's village, and a subject dept_edu does not supervise: scope is not the reason
    school = a_dispute(world, subject=world.school_a)  # dept_edu supervises schools
    for obj in (d, school):
        with pytest.raises(PermissionDenied, match="您的角色不能查看完整个人信息"):
            privacy.personal_data_reveal(actor=world.users[username], obj=obj, fields=["parties"])
    assert not AccessLog.objects.exists()


def test_a_record_outside_the_actor_s_scope_is_refused_and_nothing_is_logged(world):
    d = a_dispute(world)
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        privacy.personal_data_reveal(actor=world.users["clerk_b"], obj=d, fields=["parties"])
    assert privacy.personal_data_reveal(actor=world.users["county"], obj=d, fields=["parties"]).user == (
        world.users["county"])
    assert AccessLog.objects.count() == 1


def test_a_reveal_of_nothing_or_of_no_field_is_refused_and_nothing_is_logged(world):
    d = a_dispute(world)
    with pytest.raises(PermissionDenied):
        privacy.personal_data_reveal(actor=world.users["clerk_a"], obj=d, fields=[])
    with pytest.raises(FieldDoesNotExist):
        privacy.personal_data_reveal(actor=world.users["clerk_a"], obj=d, fields=["id_number"])
    assert not AccessLog.objects.exists()


def test_the_ledger_page_reveals_through_the_service(world, client_as, monkeypatch):
    from ledger import views

    calls = []

    def spy(**kwargs):
        calls.append(kwargs)
        return privacy.personal_data_reveal(**kwargs)

    monkeypatch.setattr(views, "personal_data_reveal", spy)
    p = petition_create(actor=world.users["clerk_a"], data={
        "subject": world.shop_a, "received_on": datetime.date(2026, 3, 2), "channel": "来访", "type": "申诉求决",
        "petitioner_name": "张伟", "id_number": "11010519491231002X", "phone": "13812341234", "headcount": 1,
        "level_reached": "乡镇", "content": "土地补偿"})
    assert client_as("clerk_a").post(f"/petitions/{p.pk}/").status_code == 200
    assert [(c["actor"], c["obj"]) for c in calls] == [(world.users["clerk_a"], p)]
    assert AccessLog.objects.get().user == world.users["clerk_a"]
    assert client_as("grid_a").post(f"/petitions/{p.pk}/").status_code == 403  # refused by the service
    assert client_as("clerk_b").post(f"/petitions/{p.pk}/").status_code == 404  # out of scope: the page's 404
    assert AccessLog.objects.count() == 1


def test_an_export_with_personal_data_is_logged_by_the_same_writer(world, client_as, monkeypatch, settings, tmp_path):
    from sanzero.exporting import services as export_services

    settings.MEDIA_ROOT = tmp_path
    calls = []

    def spy(**kwargs):
        calls.append(kwargs)
        return privacy.access_log_create(**kwargs)

    monkeypatch.setattr(export_services, "access_log_create", spy)
    a_dispute(world)
    assert client_as("clerk_a").get("/disputes/?export=xlsx").status_code == 200
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_label, log.fields) == (
        world.users["clerk_a"], AccessLog.Action.EXPORT, "disputes.dispute", "当事人")
    assert [c["actor"] for c in calls] == [world.users["clerk_a"]]
