"""The kernel's writes are done by services (issue 12): the personal-data reveal and its access log,
marking notifications read, the deadline settings. Each one: the row written names the actor, the
wrong role or a record outside the scope is refused, and a refusal writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied

from disputes.services import dispute_create
from petitions.services import petition_create
from sanzero import privacy
from sanzero.models import AccessLog, DeadlineSettings, Notification
from sanzero.selectors import notification_list, notification_unread_count
from sanzero.services import deadline_settings_update, notifications_mark_read
from sanzero.testing import captured_sql, queries_of

pytestmark = pytest.mark.django_db
READS = Notification.read_by.through


def a_dispute(world, subject=None):
    return dispute_create(
        actor=world.users["clerk_a"],
        data={
            "subject": subject or world.shop_a,
            "found_on": datetime.date(2026, 3, 2),
            "category": "邻里纠纷",
            "summary": "排水沟堵塞",
            "source": "网格排查",
            "parties": "张三、李小四",
            "people_count": 2,
            "risk_colour": "黄",
        },
    )


def fresh(user):
    """The user as a new request loads it: no scope cached on the object."""
    return get_user_model().objects.get(pk=user.pk)


# --- 显示完整个人信息 -----------------------------------------------------------------------------------


def test_a_reveal_is_logged_with_the_actor_the_record_and_the_fields(world):
    d = a_dispute(world)
    log = privacy.personal_data_reveal(actor=world.users["clerk_a"], obj=d, fields=["parties", "parties"])
    assert AccessLog.objects.get() == log
    assert (log.user, log.action, log.object_label, log.object_id, log.fields) == (
        world.users["clerk_a"],
        AccessLog.Action.REVEAL,
        "disputes.dispute",
        str(d.pk),
        "parties",
    )


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
    assert (
        privacy.personal_data_reveal(actor=world.users["county"], obj=d, fields=["parties"]).user
        == (world.users["county"])
    )
    assert AccessLog.objects.count() == 1


def test_a_reveal_of_nothing_or_of_no_field_is_refused_and_nothing_is_logged(world):
    d = a_dispute(world)
    with pytest.raises(PermissionDenied):
        privacy.personal_data_reveal(actor=world.users["clerk_a"], obj=d, fields=[])
    with pytest.raises(FieldDoesNotExist):
        privacy.personal_data_reveal(actor=world.users["clerk_a"], obj=d, fields=["id_number"])
    assert not AccessLog.objects.exists()


def test_the_ledger_page_reveals_through_the_service(world, client_as, monkeypatch):
    from sanzero import views  # the reveal of every record page (PersonalDataRevealMixin)

    calls = []

    def spy(**kwargs):
        calls.append(kwargs)
        return privacy.personal_data_reveal(**kwargs)

    monkeypatch.setattr(views, "personal_data_reveal", spy)
    p = petition_create(
        actor=world.users["clerk_a"],
        data={
            "subject": world.shop_a,
            "received_on": datetime.date(2026, 3, 2),
            "channel": "来访",
            "type": "申诉求决",
            "petitioner_name": "张伟",
            "id_number": "11010519491231002X",
            "phone": "13812341234",
            "headcount": 1,
            "level_reached": "乡镇",
            "content": "土地补偿",
        },
    )
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
        world.users["clerk_a"],
        AccessLog.Action.EXPORT,
        "disputes.dispute",
        "当事人",
    )
    assert [c["actor"] for c in calls] == [world.users["clerk_a"]]


# --- 全部标记为已读 ---------------------------------------------------------------------------------------


def notes(region, count: int, start: int = 0) -> list[Notification]:
    return [
        Notification.objects.create(region=region, message=f"第{i}条", dedupe_key=f"{region.code}:{i}")
        for i in range(start, start + count)
    ]


def test_marking_read_marks_the_actor_s_unread_notifications_in_scope_only(world):
    mine = notes(world.town_a, 3)
    other = notes(world.town_b, 2, start=10)
    mine[0].read_by.add(world.users["clerk_a"])
    assert notifications_mark_read(actor=fresh(world.users["clerk_a"])) == 2
    assert set(READS.objects.filter(user=world.users["clerk_a"]).values_list("notification_id", flat=True)) == {
        n.pk for n in mine
    }
    assert not READS.objects.filter(notification__in=other).exists()  # clerk_b's township: not clerk_a's to mark
    assert notifications_mark_read(actor=fresh(world.users["clerk_a"])) == 0  # nothing left: nothing written
    assert READS.objects.count() == 3
    assert notifications_mark_read(actor=fresh(world.users["county"])) == 5  # the county sees both townships
    assert READS.objects.filter(user=world.users["clerk_b"]).count() == 0


def test_marking_read_without_a_role_is_refused_and_writes_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    notes(world.town_a, 2)
    inactive = fresh(world.users["clerk_a"])
    inactive.is_active = False
    for actor in (inactive, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            notifications_mark_read(actor=actor)
    assert not READS.objects.exists()


def _mark_read_queries(world, start: int, count: int) -> int:
    notes(world.town_a, count, start=start)
    actor = fresh(world.users["clerk_a"])
    with captured_sql() as sqls:
        assert notifications_mark_read(actor=actor) == count
    return len(sqls)


def test_marking_read_takes_the_same_few_queries_for_3_and_for_30(world):
    three = _mark_read_queries(world, 0, 3)
    thirty = _mark_read_queries(world, 100, 30)
    # the actor's scope, the unread ids, one insert (and a savepoint and its release: the test's transaction)
    assert three == thirty <= 5


def test_the_notifications_page_marks_read_through_the_service_and_reads_through_the_selector(world, client_as):
    notes(world.town_a, 3)
    client = client_as("clerk_a")
    page = client.get("/notifications/")
    assert page.context["unread"] == 3 and all(not n.is_read for n in page.context["page"])
    response = client.post("/notifications/", follow=True)
    assert "已全部标记为已读（3条）" in response.content.decode()
    assert READS.objects.filter(user=world.users["clerk_a"]).count() == 3
    page = client.get("/notifications/")
    assert page.context["unread"] == 0 and all(n.is_read for n in page.context["page"])
    assert notification_unread_count(user=world.users["clerk_b"]) == 0
    assert not notification_list(user=world.users["clerk_b"]).exists()


def _page_queries(client) -> int:
    _, sqls = queries_of(client, "/notifications/", warm_up=False)
    return len(sqls)


def test_the_notifications_page_takes_the_same_queries_for_3_and_for_30(world, client_as):
    client = client_as("clerk_a")
    notes(world.town_a, 3)
    notes(world.town_a, 1, start=50)[0].read_by.add(world.users["county"], world.users["clerk_a"])
    three = _page_queries(client)
    notes(world.town_a, 26, start=100)
    assert _page_queries(client) == three


# --- 期限设置 ----------------------------------------------------------------------------------------------


def test_deadline_settings_are_changed_by_the_service_audited_with_the_actor(world):
    rules = DeadlineSettings.current()
    changed = deadline_settings_update(
        actor=world.users["county"], data={"warn_days": 5, "version": 99}, expected_version=rules.version
    )
    assert changed == ["warn_days"]
    rules = DeadlineSettings.current()
    assert rules.warn_days == 5 and rules.version == 2
    record = rules.history.order_by("-history_id").first()
    assert (record.history_user, record.history_change_reason) == (world.users["county"], "修改期限设置")


@pytest.mark.parametrize("username", ["clerk_a", "grid_a", "dept_edu"])
def test_deadline_settings_refuse_other_roles_and_write_nothing(world, username):
    before = DeadlineSettings.current()
    with pytest.raises(PermissionDenied):
        deadline_settings_update(actor=world.users[username], data={"warn_days": 5})
    after = DeadlineSettings.current()
    assert (after.warn_days, after.version, after.history.count()) == (
        before.warn_days,
        before.version,
        before.history.count(),
    )
