"""A hazard's deadline and its steps (rectify → accept, or reject back), the rules the services keep
(the rectifier does not accept, a 重大 hazard needs its 五落实 plan) and who may take a step."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from hazards import services
from hazards.tests.helpers import TODAY, hazard
from hazards.workflow import RECTIFIER_MAY_NOT_ACCEPT
from sanzero.services import ServiceError
from sanzero.testing import check_role_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_a_general_hazard_is_due_seven_days_after_it_was_found(world):
    h = hazard(world)
    assert h.due_on == datetime.date(2026, 3, 9)
    assert h.colour(TODAY) == "red" and h.days_overdue(TODAY) == 7


def test_the_full_workflow_with_a_second_person_accepting(world):
    h = hazard(world)
    services.hazard_transition(
        actor=world.users["clerk_a"], obj=h, name="rectify", data={"rectified_on": datetime.date(2026, 3, 10)}
    )
    h.refresh_from_db()
    assert h.status == "待验收" and h.due_on is None and h.rectified_by == world.users["clerk_a"]
    with pytest.raises(ServiceError, match=RECTIFIER_MAY_NOT_ACCEPT):
        services.hazard_transition(
            actor=world.users["clerk_a"], obj=h, name="accept", data={"accepted_on": datetime.date(2026, 3, 11)}
        )
    h.refresh_from_db()
    assert h.status == "待验收"
    services.hazard_transition(actor=world.users["grid_a"], obj=h, name="reject", data={"note": "仍未更换"})
    h.refresh_from_db()
    assert h.status == "整改中" and h.rectified_on is None
    services.hazard_transition(
        actor=world.users["grid_a"], obj=h, name="rectify", data={"rectified_on": datetime.date(2026, 3, 12)}
    )
    services.hazard_transition(
        actor=world.users["clerk_a"], obj=h, name="accept", data={"accepted_on": datetime.date(2026, 3, 13)}
    )
    h.refresh_from_db()
    assert h.status == "已销号" and h.accepted_by == world.users["clerk_a"]
    reasons = list(h.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[0] == "登记安全隐患"
    assert "验收不通过：待验收 → 整改中（仍未更换）" in reasons


def test_transitions_outside_the_table_are_refused_and_change_nothing(world):
    h = hazard(world)
    for name in ("accept", "reject"):
        with pytest.raises(ServiceError, match="当前状态为“整改中”"):
            services.hazard_transition(
                actor=world.users["clerk_a"], obj=h, name=name, data={"accepted_on": TODAY, "note": "x"}
            )
    with pytest.raises(ServiceError, match="未知的操作"):
        services.hazard_transition(actor=world.users["clerk_a"], obj=h, name="delete")
    h.refresh_from_db()
    assert h.status == "整改中" and h.version == 1


def test_a_major_hazard_needs_its_five_point_plan_before_rectification(world):
    h = hazard(world, level="重大")
    assert h.due_on == datetime.date(2026, 4, 1)
    with pytest.raises(ServiceError, match="五落实"):
        services.hazard_transition(actor=world.users["clerk_a"], obj=h, name="rectify", data={"rectified_on": TODAY})
    h.refresh_from_db()
    assert h.status == "整改中"
    services.hazard_update(
        actor=world.users["clerk_a"],
        obj=h,
        expected_version=h.version,
        data={
            "plan_responsibility": "店长",
            "plan_measures": "更换",
            "plan_funds": "2000元",
            "plan_deadline": datetime.date(2026, 3, 20),
            "plan_contingency": "疏散预案",
        },
    )
    services.hazard_transition(actor=world.users["clerk_a"], obj=h, name="rectify", data={"rectified_on": TODAY})
    h.refresh_from_db()
    assert h.status == "待验收"


def test_county_and_other_township_cannot_act(world):
    h = hazard(world)
    with pytest.raises(PermissionDenied):
        services.hazard_transition(actor=world.users["county"], obj=h, name="rectify", data={"rectified_on": TODAY})
    with pytest.raises(PermissionDenied):
        services.hazard_transition(actor=world.users["clerk_b"], obj=h, name="rectify", data={"rectified_on": TODAY})
    with pytest.raises(PermissionDenied):
        hazard(world, user="clerk_b")  # shop_a is in township A


def test_the_rectify_step_is_refused_to_other_scopes_and_the_county_and_done_by_the_clerk(world, client_as):
    """The five pages' role matrix is TestHazardViews' (test_views.py); this is the step's."""
    h = hazard(world)
    check_role_matrix(
        client_as,
        f"/hazards/{h.pk}/do/rectify/",
        {"clerk_b": 404, "dept_edu": 404},
        method="post",
        data={"rectified_on": "2026-03-10", "version": 1},
    )
    response = client_as("county").post(f"/hazards/{h.pk}/do/rectify/", {"rectified_on": "2026-03-10", "version": 1})
    assert response.status_code == 403
    h.refresh_from_db()
    assert h.status == "整改中"
    response = client_as("clerk_a").post(f"/hazards/{h.pk}/do/rectify/", {"rectified_on": "2026-03-10", "version": 1})
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.status == "待验收"
