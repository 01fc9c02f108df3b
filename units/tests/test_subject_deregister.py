"""Deregistering a subject (退出创建): a confirmation first, left_on and a reason, the row kept and audited,
bad dates and stale forms refused."""

import datetime

import pytest
from django.utils import timezone

from units.models import Subject
from units.tests.helpers import edit_post, field_errors, subject_post, visible_text

pytestmark = pytest.mark.django_db


def test_deregister_asks_for_confirmation_first(world, client_as):
    response = client_as("clerk_a").get(f"/subjects/{world.shop_a.pk}/deregister/")
    assert response.status_code == 200
    text = visible_text(response)
    assert "确认退出创建" in text
    assert "记录不会被删除" in text
    assert Subject.objects.get(pk=world.shop_a.pk).left_on is None


def test_deregister_sets_left_on_keeps_the_row_and_audits_it(world, client_as):
    subject = world.shop_a
    client = client_as("clerk_a")
    response = client.post(
        f"/subjects/{subject.pk}/deregister/",
        {"left_on": "2026-04-01", "reason": "停业注销", "version": subject.version},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/subjects/{subject.pk}/"
    fresh = Subject.objects.get(pk=subject.pk)  # still there: never a hard delete
    assert fresh.left_on == datetime.date(2026, 4, 1)
    assert fresh.left_reason == "停业注销"
    assert fresh.version == subject.version + 1
    record = fresh.history.first()
    assert record.history_type == "~"
    assert record.history_user == world.users["clerk_a"]
    assert record.history_change_reason == "退出创建：停业注销"

    page = client.get(f"/subjects/{subject.pk}/")
    assert page.status_code == 200
    text = visible_text(page)
    assert "已退出" in text and "已办理退出创建。" in text
    assert "退出日期：（空） → 2026-04-01" in text
    assert "确认退出创建" not in text and f"/subjects/{subject.pk}/deregister/" not in page.content.decode()

    again = client.get(f"/subjects/{subject.pk}/deregister/")
    assert again.status_code == 404
    again = client.post(
        f"/subjects/{subject.pk}/deregister/", {"left_on": "2026-05-01", "reason": "再次退出", "version": fresh.version}
    )
    assert again.status_code == 404
    assert Subject.objects.get(pk=subject.pk).left_on == datetime.date(2026, 4, 1)


@pytest.mark.parametrize(
    "left_on,message",
    [
        ("2026-02-28", "退出日期不能早于纳入日期"),
        ("future", "退出日期不能晚于今天"),
        ("", "必填"),
        ("二〇二六年", "有效的日期"),
    ],
)
def test_a_bad_left_on_is_refused_and_nothing_changes(world, client_as, left_on, message):
    client = client_as("clerk_a")
    client.post("/subjects/new/", subject_post(world, joined_on="2026-03-01"))
    subject = Subject.objects.get(name="甲镇恒通商贸有限公司")
    if left_on == "future":
        left_on = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        f"/subjects/{subject.pk}/deregister/", {"left_on": left_on, "reason": "停业", "version": subject.version}
    )
    assert response.status_code == 400
    assert message in field_errors(response, "left_on")
    assert message in visible_text(response)
    fresh = Subject.objects.get(pk=subject.pk)
    assert fresh.left_on is None and fresh.left_reason == "" and fresh.version == subject.version
    assert fresh.history.count() == 1


def test_deregister_needs_a_reason(world, client_as):
    subject = world.shop_a
    response = client_as("clerk_a").post(
        f"/subjects/{subject.pk}/deregister/", {"left_on": "2026-04-01", "reason": "", "version": subject.version}
    )
    assert response.status_code == 400
    assert "必填" in field_errors(response, "reason")
    assert Subject.objects.get(pk=subject.pk).left_on is None


def test_a_stale_deregistration_is_refused(world, client_as):
    subject = world.shop_a
    client = client_as("clerk_a")
    stale_version = subject.version
    client.post(f"/subjects/{subject.pk}/edit/", edit_post(subject, address="新地址"))
    response = client.post(
        f"/subjects/{subject.pk}/deregister/", {"left_on": "2026-04-01", "reason": "停业", "version": stale_version}
    )
    assert response.status_code == 400
    assert "其他用户修改" in visible_text(response)
    assert Subject.objects.get(pk=subject.pk).left_on is None
