"""A case's steps (破案, 结案), the table the services keep, the step forms' dates, who may take a step and
a step taken on a stale version."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from cases import services
from cases.models import PoliceCase
from cases.tests.helpers import TODAY, case, run
from sanzero.services import ConflictError, ServiceError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_a_criminal_case_is_solved_then_closed(world):
    c = case(world, kind="刑事", cause="盗窃")
    assert c.status == "侦办中" and c.due_on is None and c.is_open
    run(world, c, "solve", solved_on=datetime.date(2026, 3, 5), note="嫌疑人到案")
    assert c.status == "已破案" and c.solved_on == datetime.date(2026, 3, 5) and c.version == 2 and c.is_open
    run(world, c, "close", user="grid_a", closed_on=datetime.date(2026, 3, 12))
    assert c.status == "已结案" and c.closed_on == datetime.date(2026, 3, 12) and c.version == 3
    assert not c.is_open and c.due_on is None
    reasons = list(c.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons == ["登记刑事/治安案件", "破案：侦办中 → 已破案（嫌疑人到案）", "结案：已破案 → 已结案"]


def test_a_public_security_case_closes_directly_or_after_being_solved(world):
    direct = run(world, case(world), "close", closed_on=datetime.date(2026, 3, 3), note="行政拘留五日")
    assert direct.status == "已结案" and direct.solved_on is None
    solved = run(world, case(world, major_influence=True), "solve", solved_on=datetime.date(2026, 3, 4))
    run(world, solved, "close", closed_on=datetime.date(2026, 3, 6))
    assert solved.status == "已结案" and solved.solved_on == datetime.date(2026, 3, 4)


def test_closing_an_unsolved_criminal_case_is_refused(world, client_as):
    c = case(world, kind="刑事")
    with pytest.raises(ServiceError, match="刑事案件须先登记破案"):
        services.police_case_transition(actor=world.users["clerk_a"], obj=c, name="close", data={"closed_on": TODAY})
    c.refresh_from_db()
    assert c.status == "侦办中" and c.closed_on is None and c.version == 1
    client = client_as("clerk_a")
    detail = client.get(f"/cases/{c.pk}/")
    assert [t.name for t in detail.context["transitions"]] == ["solve"]
    response = client.get(f"/cases/{c.pk}/do/close/", follow=True)
    assert "刑事案件须先登记破案" in response.content.decode()
    response = client.post(f"/cases/{c.pk}/do/close/", {"closed_on": "2026-03-10", "version": 1})
    assert response.status_code == 400
    assert "刑事案件须先登记破案" in " ".join(response.context["form"].non_field_errors())
    c.refresh_from_db()
    assert c.status == "侦办中" and c.version == 1


def test_transitions_outside_the_table_are_refused_and_change_nothing(world, client_as):
    c = run(world, case(world), "close", closed_on=datetime.date(2026, 3, 10))
    for name in ("solve", "close"):
        with pytest.raises(ServiceError, match="当前状态为“已结案”，不能执行"):
            services.police_case_transition(
                actor=world.users["clerk_a"], obj=c, name=name, data={"solved_on": TODAY, "closed_on": TODAY}
            )
    with pytest.raises(ServiceError, match="未知的操作"):
        services.police_case_transition(actor=world.users["clerk_a"], obj=c, name="reopen")
    c.refresh_from_db()
    assert c.status == "已结案" and c.solved_on is None and c.closed_on == datetime.date(2026, 3, 10)
    assert c.version == 2
    solved = run(world, case(world, kind="刑事"), "solve", solved_on=datetime.date(2026, 3, 4))
    with pytest.raises(ServiceError, match="当前状态为“已破案”，不能执行“破案”"):
        services.police_case_transition(
            actor=world.users["clerk_a"], obj=solved, name="solve", data={"solved_on": TODAY}
        )
    solved.refresh_from_db()
    assert solved.solved_on == datetime.date(2026, 3, 4) and solved.version == 2
    client = client_as("clerk_a")
    assert client.post(f"/cases/{c.pk}/do/reopen/", {"version": 2}).status_code == 404
    response = client.post(f"/cases/{c.pk}/do/solve/", {"solved_on": "2026-03-11", "version": 2})
    assert response.status_code == 400
    assert "当前状态为“已结案”" in " ".join(response.context["form"].non_field_errors())
    c.refresh_from_db()
    assert c.status == "已结案" and c.version == 2


def test_transition_dates_are_checked(world, client_as):
    c = case(world, kind="刑事")
    client = client_as("clerk_a")
    for bad, message in [("2026-03-01", "破案日期不能早于发案日期"), ("2026-03-17", "破案日期不能晚于今天")]:
        response = client.post(f"/cases/{c.pk}/do/solve/", {"solved_on": bad, "version": 1})
        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors["solved_on"])
    run(world, c, "solve", solved_on=datetime.date(2026, 3, 8))
    response = client.post(f"/cases/{c.pk}/do/close/", {"closed_on": "2026-03-07", "version": 2})
    assert "结案日期不能早于破案日期" in " ".join(response.context["form"].errors["closed_on"])
    c.refresh_from_db()
    assert c.status == "已破案" and c.closed_on is None


def test_county_and_other_township_cannot_act(world):
    c = case(world)
    with pytest.raises(PermissionDenied):
        services.police_case_transition(actor=world.users["county"], obj=c, name="close", data={"closed_on": TODAY})
    with pytest.raises(PermissionDenied):
        services.police_case_transition(actor=world.users["clerk_b"], obj=c, name="close", data={"closed_on": TODAY})
    with pytest.raises(PermissionDenied):
        case(world, user="clerk_b")  # shop_a is in township A
    with pytest.raises(PermissionDenied):
        case(world, user="county")
    c.refresh_from_db()
    assert c.status == "侦办中" and PoliceCase.objects.count() == 1


def test_a_stale_step_is_refused_on_the_page_and_by_the_service(world, client_as):
    """A stale edit is TestCaseViews' (test_views.py); a step taken on a stale version is refused too."""
    c = case(world)
    services.police_case_update(actor=world.users["grid_a"], obj=c, data={"cause": "赌博"}, expected_version=1)
    client = client_as("clerk_a")
    response = client.post(f"/cases/{c.pk}/do/close/", {"closed_on": "2026-03-10", "version": 1})
    assert response.status_code == 400
    assert "其他用户修改" in " ".join(response.context["form"].non_field_errors())
    with pytest.raises(ConflictError):
        services.police_case_transition(
            actor=world.users["clerk_a"], obj=c, name="close", data={"closed_on": TODAY}, expected_version=1
        )
    c.refresh_from_db()
    assert c.cause == "赌博" and c.status == "侦办中" and c.version == 2
