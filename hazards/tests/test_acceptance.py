"""Acceptance (验收) is offered to the right people: not the one who recorded the rectification."""

import datetime
import re

import pytest
import time_machine

from hazards import services
from hazards.models import Hazard
from hazards.workflow import RECTIFIER_MAY_NOT_ACCEPT
from sanzero.roles import Role
from sanzero.services import ServiceError
from sanzero.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


@pytest.fixture
def clerk_a2(world):
    """A second clerk of township A (甲镇), who may accept what clerk_a rectified."""
    from units.accounts import user_create

    user = user_create(actor=None, username="clerk_a2", role=Role.CLERK, region_codes=[world.town_a.code],
                       password=PASSWORD, check_password_strength=False)
    world.users["clerk_a2"] = user
    return user


def rectified(world, *, by="clerk_a", subject=None, on=datetime.date(2026, 3, 10)):
    """A hazard in 待验收 whose rectification `by` recorded on `on`."""
    h = services.hazard_create(actor=world.users[by], data={
        "subject": subject or world.shop_a, "found_on": datetime.date(2026, 3, 2), "category": "消防",
        "level": "一般", "description": "灭火器过期"})
    services.hazard_transition(actor=world.users[by], obj=h, name="rectify", data={"rectified_on": on})
    h.refresh_from_db()
    return h


def action_links(html: str, pk: int) -> set[str]:
    return set(re.findall(rf'href="/hazards/{pk}/do/(\w+)/"', html))


# --- the detail page offers 验收 only to those who may accept --------------------------------------

def test_the_rectifier_is_not_offered_acceptance_and_is_told_why_once(world, client_as):
    h = rectified(world)
    response = client_as("clerk_a").get(f"/hazards/{h.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert action_links(html, h.pk) == set()
    assert html.count(RECTIFIER_MAY_NOT_ACCEPT) == 1  # accept and reject share the reason: said once
    assert response.context["transitions"] == []


@pytest.mark.parametrize("username, subject", [
    ("clerk_a2", "shop_a"),  # another clerk of the township
    ("grid_a", "shop_a"),  # the grid worker of the village
    ("admin", "shop_a"),
    ("dept_edu", "school_a"),  # the supervising department of a school (reads, does not edit, may accept)
])
def test_another_permitted_user_is_offered_acceptance(world, client_as, clerk_a2, username, subject):
    h = rectified(world, subject=getattr(world, subject))
    html = client_as(username).get(f"/hazards/{h.pk}/").content.decode()
    assert action_links(html, h.pk) == {"accept", "reject"}
    assert RECTIFIER_MAY_NOT_ACCEPT not in html


def test_a_role_outside_the_acceptance_roles_is_not_offered_acceptance(world, client_as):
    h = rectified(world)
    html = client_as("county").get(f"/hazards/{h.pk}/").content.decode()
    assert action_links(html, h.pk) == set()
    assert RECTIFIER_MAY_NOT_ACCEPT not in html  # not the rectifier: the role decides, nothing to explain


def test_out_of_scope_users_get_404_for_the_hazard_and_its_acceptance(world, client_as):
    h = rectified(world)  # 甲一村超市 (市场监督管理局), in 甲一村 of 甲镇
    school = rectified(world, subject=world.school_a)  # 甲镇中心学校, in 甲镇 itself: not the grid's village
    for username, obj in [("clerk_b", h), ("dept_edu", h), ("grid_a", school)]:
        client = client_as(username)
        assert client.get(f"/hazards/{obj.pk}/").status_code == 404, username
        assert client.get(f"/hazards/{obj.pk}/do/accept/").status_code == 404, username
        response = client.post(f"/hazards/{obj.pk}/do/accept/", {"accepted_on": "2026-03-12", "version": obj.version})
        assert response.status_code == 404, username
    for obj in (h, school):
        obj.refresh_from_db()
        assert obj.status == "待验收" and obj.accepted_by is None


# --- the guard refuses the rectifier, whatever the way in ------------------------------------------

@pytest.mark.parametrize("name, data", [("accept", {"accepted_on": "2026-03-12"}), ("reject", {"note": "不合格"})])
def test_a_direct_post_by_the_rectifier_is_refused_once_and_changes_nothing(world, client_as, name, data):
    h = rectified(world)
    versions = h.history.count()
    response = client_as("clerk_a").post(f"/hazards/{h.pk}/do/{name}/", {**data, "version": h.version})
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count(RECTIFIER_MAY_NOT_ACCEPT) == 1
    assert list(response.context["form"].non_field_errors()) == [RECTIFIER_MAY_NOT_ACCEPT]
    before = h.version
    h.refresh_from_db()
    assert (h.status, h.version, h.accepted_by, h.rectified_by) == ("待验收", before, None, world.users["clerk_a"])
    assert h.history.count() == versions


def test_the_rectifier_opening_the_accept_form_is_refused_with_the_reason(world, client_as):
    h = rectified(world)
    response = client_as("clerk_a").get(f"/hazards/{h.pk}/do/accept/")
    assert response.status_code == 403
    assert response.content.decode().count(RECTIFIER_MAY_NOT_ACCEPT) == 1


def test_the_guard_reads_the_locked_row_not_the_callers_copy(world):
    h = rectified(world)
    stale = Hazard.objects.get(pk=h.pk)
    stale.rectified_by = None  # the caller's copy says nobody rectified it; the row says clerk_a did
    with pytest.raises(ServiceError, match=RECTIFIER_MAY_NOT_ACCEPT):
        services.hazard_transition(actor=world.users["clerk_a"], obj=stale, name="accept",
                                   data={"accepted_on": datetime.date(2026, 3, 12)})
    h.refresh_from_db()
    assert h.status == "待验收" and h.accepted_by is None


def test_another_user_accepts_and_the_hazard_is_closed(world, client_as, clerk_a2):
    h = rectified(world)
    response = client_as("clerk_a2").post(f"/hazards/{h.pk}/do/accept/",
                                          {"accepted_on": "2026-03-12", "version": h.version})
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.status == "已销号" and h.accepted_by == clerk_a2
