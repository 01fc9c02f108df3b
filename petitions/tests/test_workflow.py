"""A petition's steps (告知, 答复, 办结), the table and the dates the services keep, who may take a step, a stale
reply."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from petitions import services
from petitions.models import Petition
from petitions.tests.helpers import CONTENT, TODAY, fresh, petition, run
from sanzero.services import ConflictError, ServiceError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_every_allowed_transition_works(world):
    p = petition(world)
    run(world, p, "notify", notified_on=datetime.date(2026, 2, 3), note="书面告知")
    p = fresh(p)
    assert p.notified_on == datetime.date(2026, 2, 3) and p.status == "办理中"
    run(world, p, "reply", user="grid_a", replied_on=datetime.date(2026, 3, 10), note="已出具处理意见书")
    p = fresh(p)
    assert (p.status, p.replied_on, p.reply_note) == ("已答复", datetime.date(2026, 3, 10), "已出具处理意见书")
    assert p.due_on == datetime.date(2026, 3, 31)  # 已答复 is still open: 超期 counts until 已办结
    run(world, p, "close", closed_on=datetime.date(2026, 3, 15), satisfaction="基本满意")
    p = fresh(p)
    assert (p.status, p.closed_on, p.satisfaction, p.due_on, p.version) == (
        "已办结",
        datetime.date(2026, 3, 15),
        "基本满意",
        None,
        4,
    )
    reasons = list(p.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == [
        "登记信访",
        "登记告知（书面告知）",
        "答复：办理中 → 已答复（已出具处理意见书）",
        "办结：已答复 → 已办结",
    ]


def test_transitions_outside_the_table_are_refused_and_change_nothing(world):
    p = petition(world)
    args = {
        "closed_on": TODAY,
        "satisfaction": "满意",
        "replied_on": TODAY,
        "notified_on": TODAY,
        "days": 5,
        "reason": "x",
    }
    with pytest.raises(ServiceError, match="当前状态为“办理中”，不能执行“办结”"):
        run(world, p, "close", **args)
    with pytest.raises(ServiceError, match="未知的操作"):
        run(world, p, "reopen")
    assert (fresh(p).status, fresh(p).version) == ("办理中", 1)

    run(world, p, "reply", replied_on=TODAY)
    p = fresh(p)
    for name in ("notify", "extend", "reply"):
        with pytest.raises(ServiceError, match="当前状态为“已答复”"):
            run(world, p, name, **args)
    p = fresh(p)
    assert (p.status, p.version, p.notified_on, p.extended_days) == ("已答复", 2, None, 0)

    run(world, p, "close", closed_on=TODAY, satisfaction="满意")
    p = fresh(p)
    for name in ("notify", "extend", "reply", "close"):
        with pytest.raises(ServiceError, match="当前状态为“已办结”"):
            run(world, p, name, **args)
    assert (fresh(p).status, fresh(p).version) == ("已办结", 3)


def test_closing_needs_a_satisfaction_and_dates_are_checked(world):
    p = petition(world)
    run(world, p, "reply", replied_on=datetime.date(2026, 3, 1))
    p = fresh(p)
    with pytest.raises(ServiceError, match="满意度"):
        run(world, p, "close", closed_on=TODAY)
    with pytest.raises(ServiceError, match="满意度"):
        run(world, p, "close", closed_on=TODAY, satisfaction="还行")
    with pytest.raises(ServiceError, match="不能早于答复日期"):
        run(world, p, "close", closed_on=datetime.date(2026, 2, 28), satisfaction="满意")
    with pytest.raises(ServiceError, match="不能晚于今天"):
        run(world, p, "close", closed_on=TODAY + datetime.timedelta(days=1), satisfaction="满意")
    p = fresh(p)
    assert (p.status, p.closed_on, p.satisfaction, p.version) == ("已答复", None, "", 2)


def test_reply_and_notify_dates_are_checked_and_notify_happens_once(world):
    p = petition(world)
    with pytest.raises(ServiceError, match="不能早于登记日期"):
        run(world, p, "reply", replied_on=datetime.date(2026, 1, 29))
    with pytest.raises(ServiceError, match="不能晚于今天"):
        run(world, p, "reply", replied_on=TODAY + datetime.timedelta(days=1))
    with pytest.raises(ServiceError, match="不能早于登记日期"):
        run(world, p, "notify", notified_on=datetime.date(2026, 1, 1))
    run(world, p, "notify", notified_on=datetime.date(2026, 2, 1))
    with pytest.raises(ServiceError, match="不能重复登记告知"):
        run(world, p, "notify", notified_on=datetime.date(2026, 2, 2))
    p = fresh(p)
    assert (p.status, p.notified_on, p.replied_on, p.version) == ("办理中", datetime.date(2026, 2, 1), None, 2)


def test_county_other_township_and_department_cannot_act(world):
    p = petition(world)
    for user in ("county", "clerk_b", "dept_edu"):
        with pytest.raises(PermissionDenied):
            run(world, p, "reply", user=user, replied_on=TODAY)
    with pytest.raises(PermissionDenied):
        petition(world, user="clerk_b")  # shop_a is in township A
    assert (fresh(p).status, Petition.objects.count()) == ("办理中", 1)


def test_a_stale_reply_is_refused_on_the_page_and_by_the_service(world, client_as):
    """A stale edit is TestPetitionViews' (test_views.py); a step taken on a stale version is refused too."""
    p = petition(world)
    services.petition_update(actor=world.users["grid_a"], obj=p, data={"headcount": 2}, expected_version=1)
    client = client_as("clerk_a")
    response = client.post(f"/petitions/{p.pk}/do/reply/", {"replied_on": "2026-03-10", "version": 1})
    assert response.status_code == 400
    assert "已被其他用户修改" in response.content.decode()
    with pytest.raises(ConflictError):
        services.petition_transition(
            actor=world.users["clerk_a"], obj=p, name="reply", data={"replied_on": TODAY}, expected_version=1
        )
    p = fresh(p)
    assert (p.headcount, p.content, p.status, p.version) == (2, CONTENT, "办理中", 2)
