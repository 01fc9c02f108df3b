"""Who sees and changes which case, beyond the inherited matrix of test_views.py: a school's case and its
department, refused edits and steps, the buttons of read-only users."""

import datetime

import pytest

from cases.tests.helpers import case
from sanzero.testing import check_role_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_a_department_sees_its_school_s_case_and_refused_edits_and_steps_change_nothing(world, client_as):
    """The five pages' matrix for a shop's case is TestCaseViews' (test_views.py); this adds a school's case
    (教育局, in the township itself), edits and steps by role."""
    shop = case(world)  # shop_a: village_a (grid_a's village), 市场监督管理局
    school = case(world, subject=world.school_a, kind="刑事")  # school_a: town_a itself, 教育局
    other = case(world, user="clerk_b", subject=world.shop_b)
    anon = {"anonymous": 302}
    responses = check_role_matrix(
        client_as,
        "/cases/",
        {**anon, "admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 200, "grid_a": 200, "dept_edu": 200},
    )
    listed = {
        role: {row.record.pk for row in r.context["table"].rows} for role, r in responses.items() if role != "anonymous"
    }
    assert listed == {
        "admin": {shop.pk, school.pk, other.pk},
        "county": {shop.pk, school.pk, other.pk},
        "clerk_a": {shop.pk, school.pk},
        "clerk_b": {other.pk},
        "grid_a": {shop.pk},
        "dept_edu": {school.pk},
    }
    check_role_matrix(
        client_as,
        f"/cases/{school.pk}/",
        {**anon, "admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 404, "grid_a": 404, "dept_edu": 200},
    )
    check_role_matrix(client_as, f"/cases/{other.pk}/", {"clerk_a": 404, "clerk_b": 200, "grid_a": 404})
    check_role_matrix(
        client_as,
        f"/cases/{school.pk}/edit/",
        {**anon, "admin": 200, "county": 403, "clerk_a": 200, "clerk_b": 404, "grid_a": 404, "dept_edu": 403},
    )

    edit = {"subject": world.shop_a.pk, "occurred_on": "2026-03-02", "kind": "治安", "cause": "寻衅滋事", "version": 1}
    check_role_matrix(
        client_as,
        f"/cases/{shop.pk}/edit/",
        {**anon, "county": 403, "clerk_b": 404, "dept_edu": 404},
        method="post",
        data=edit,
    )
    check_role_matrix(
        client_as,
        f"/cases/{school.pk}/edit/",
        {"grid_a": 404, "dept_edu": 403},
        method="post",
        data={**edit, "subject": world.school_a.pk, "kind": "刑事"},
    )
    shop.refresh_from_db()
    school.refresh_from_db()
    assert shop.cause == "殴打他人" and shop.version == 1 and school.version == 1
    assert client_as("grid_a").post(f"/cases/{shop.pk}/edit/", edit).status_code == 302
    shop.refresh_from_db()
    assert shop.cause == "寻衅滋事" and shop.version == 2

    solve = {"solved_on": "2026-03-10", "version": 2}
    check_role_matrix(
        client_as,
        f"/cases/{shop.pk}/do/solve/",
        {**anon, "county": 403, "clerk_b": 404, "dept_edu": 404},
        method="post",
        data=solve,
    )
    check_role_matrix(
        client_as,
        f"/cases/{school.pk}/do/solve/",
        {"grid_a": 404, "dept_edu": 403},
        method="post",
        data={**solve, "version": 1},
    )
    shop.refresh_from_db()
    school.refresh_from_db()
    assert shop.status == "侦办中" and shop.version == 2 and school.status == "侦办中"
    check_role_matrix(
        client_as,
        f"/cases/{shop.pk}/do/solve/",
        {**anon, "clerk_a": 200, "grid_a": 200, "county": 403, "dept_edu": 404},
    )  # GET: the form
    assert client_as("grid_a").post(f"/cases/{shop.pk}/do/solve/", solve).status_code == 302
    shop.refresh_from_db()
    assert shop.status == "已破案" and shop.solved_on == datetime.date(2026, 3, 10)


def test_read_only_users_see_no_buttons(world, client_as):
    c = case(world, subject=world.school_a)
    for role in ("county", "dept_edu"):
        response = client_as(role).get(f"/cases/{c.pk}/")
        assert response.context["transitions"] == [] and not response.context["can_change"]
    response = client_as("clerk_a").get(f"/cases/{c.pk}/")
    assert [t.name for t in response.context["transitions"]] == ["solve", "close"]
    rows = dict(response.context["rows"])
    assert rows["是否有重大影响"] == "否" and rows["影响零案件"] == "否" and rows["案由"] == "殴打他人"
