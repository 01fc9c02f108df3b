"""A refused transition says why once, on every ledger (sanzero.ledger_views.LedgerTransitionView)."""

import datetime

import pytest
import time_machine

from cases import services as case_services
from cases.workflow import UNSOLVED_CRIMINAL_CLOSE
from disputes import services as dispute_services

pytestmark = pytest.mark.django_db
STALE = "该记录已被其他用户修改"


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


def test_a_ledger_rule_refusing_a_step_is_shown_once(world, client_as):
    case = case_services.police_case_create(
        actor=world.users["clerk_a"],
        data={"subject": world.shop_a, "occurred_on": datetime.date(2026, 3, 2), "kind": "刑事", "cause": "盗窃"},
    )
    response = client_as("clerk_a").post(f"/cases/{case.pk}/do/close/", {"closed_on": "2026-03-10", "version": 1})
    assert response.status_code == 400
    assert response.content.decode().count(UNSOLVED_CRIMINAL_CLOSE) == 1
    case.refresh_from_db()
    assert case.status == "侦办中" and case.version == 1


def test_a_stale_version_refusing_a_step_is_shown_once(world, client_as):
    dispute = dispute_services.dispute_create(
        actor=world.users["clerk_a"],
        data={
            "subject": world.shop_a,
            "found_on": datetime.date(2026, 3, 2),
            "category": "邻里纠纷",
            "summary": "排水沟堵塞",
            "source": "网格排查",
            "people_count": 2,
            "risk_colour": "黄",
        },
    )
    dispute_services.dispute_update(
        actor=world.users["grid_a"], obj=dispute, data={"summary": "排水沟再次堵塞"}, expected_version=1
    )
    response = client_as("clerk_a").post(
        f"/disputes/{dispute.pk}/do/resolve/",
        {"resolved_on": "2026-03-05", "agreement_type": "口头", "agreement": "疏通", "version": 1},
    )
    assert response.status_code == 400
    assert response.content.decode().count(STALE) == 1
    dispute.refresh_from_db()
    assert dispute.status == "调解中" and dispute.version == 2


# The form pages render their form with crispy, which shows the form's own errors: a service's
# refusal (here a stale version) appears once on an edit page and on the settings page too.


def test_a_stale_edit_is_refused_once(world, client_as):
    from hazards import services as hazard_services

    hazard = hazard_services.hazard_create(
        actor=world.users["clerk_a"],
        data={
            "subject": world.shop_a,
            "found_on": datetime.date(2026, 3, 2),
            "category": "消防",
            "level": "一般",
            "description": "灭火器过期",
        },
    )
    hazard_services.hazard_update(
        actor=world.users["grid_a"], obj=hazard, data={"description": "灭火器缺失"}, expected_version=1
    )
    response = client_as("clerk_a").post(
        f"/hazards/{hazard.pk}/edit/",
        {
            "subject": world.shop_a.pk,
            "found_on": "2026-03-02",
            "category": "消防",
            "level": "一般",
            "description": "灭火器已过期",
            "version": 1,
        },
    )
    assert response.status_code == 400
    assert response.content.decode().count(STALE) == 1
    hazard.refresh_from_db()
    assert hazard.description == "灭火器缺失"


def test_a_stale_settings_save_is_refused_once(world, client_as):
    from sanzero.models import DeadlineSettings

    current = DeadlineSettings.current()
    data = {
        f: getattr(current, f)
        for f in (
            "petition_notify_days",
            "petition_handle_days",
            "petition_extend_max_days",
            "petition_collective_headcount",
            "hazard_general_days",
            "hazard_major_days",
            "warn_days",
        )
    }
    client = client_as("county")
    assert client.post("/settings/deadlines/", {**data, "warn_days": 4, "version": current.version}).status_code == 302
    response = client.post("/settings/deadlines/", {**data, "warn_days": 5, "version": current.version})
    assert response.status_code == 400
    assert response.content.decode().count("其他用户修改") == 1
