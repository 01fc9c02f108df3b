"""The role matrix against every registry view: in scope → 200, outside → 404, read-only → 403."""

import pytest
from django.urls import reverse

from sanzero.testing import check_role_matrix
from units.models import Subject

pytestmark = pytest.mark.django_db

ANON = {"anonymous": 302}


def test_subject_list_shows_only_the_users_subjects(world, client_as):
    expected_names = {
        "admin": {"甲镇中心学校", "甲一村超市", "乙镇中学", "乙一村商店", "甲一村", "甲城社区", "乙一村"},
        "county": {"甲镇中心学校", "甲一村超市", "乙镇中学", "乙一村商店", "甲一村", "甲城社区", "乙一村"},
        "clerk_a": {"甲镇中心学校", "甲一村超市", "甲一村", "甲城社区"},
        "clerk_b": {"乙镇中学", "乙一村商店", "乙一村"},
        "grid_a": {"甲一村超市", "甲一村"},
        "dept_edu": {"甲镇中心学校", "乙镇中学"},
    }
    responses = check_role_matrix(client_as, "/subjects/", {**ANON, **{r: 200 for r in expected_names}})
    for role, names in expected_names.items():
        shown = {row.record.name for row in responses[role].context["table"].rows}
        assert shown == names, role
        assert responses[role].context["table"].paginator.count == len(names), role


def test_subject_detail_matrix(world, client_as):
    check_role_matrix(
        client_as,
        f"/subjects/{world.school_a.pk}/",
        {
            **ANON,
            "admin": 200,
            "county": 200,
            "clerk_a": 200,
            "clerk_b": 404,
            "grid_a": 404,
            "dept_edu": 200,
        },
    )
    check_role_matrix(
        client_as,
        f"/subjects/{world.shop_a.pk}/",
        {
            "clerk_a": 200,
            "clerk_b": 404,
            "grid_a": 200,
            "dept_edu": 404,
        },
    )


def test_subject_edit_matrix(world, client_as):
    url = f"/subjects/{world.school_a.pk}/edit/"
    check_role_matrix(
        client_as,
        url,
        {
            **ANON,
            "admin": 200,
            "county": 403,
            "clerk_a": 200,
            "clerk_b": 404,
            "grid_a": 404,
            "dept_edu": 403,
        },
    )
    before = Subject.objects.get(pk=world.school_a.pk).name
    check_role_matrix(
        client_as,
        url,
        {
            **ANON,
            "county": 403,
            "clerk_b": 404,
            "grid_a": 404,
            "dept_edu": 403,
        },
        method="post",
        data={"name": "篡改", "category": world.school_a.category_id, "region": world.school_a.region_id},
    )
    assert Subject.objects.get(pk=world.school_a.pk).name == before


def test_subject_create_matrix(world, client_as):
    check_role_matrix(
        client_as,
        "/subjects/new/",
        {
            **ANON,
            "admin": 200,
            "county": 403,
            "clerk_a": 200,
            "clerk_b": 200,
            "grid_a": 403,
            "dept_edu": 403,
        },
    )


def test_clerk_cannot_create_a_subject_in_another_township(world, client_as):
    response = client_as("clerk_a").post(
        "/subjects/new/",
        {
            "name": "越权登记",
            "category": world.shop_b.category_id,
            "region": world.village_b.pk,
        },
    )
    assert response.status_code == 400
    assert "region" in response.context["form"].errors
    assert not Subject.objects.filter(name="越权登记").exists()


def test_deregister_matrix(world, client_as):
    url = f"/subjects/{world.shop_a.pk}/deregister/"
    check_role_matrix(
        client_as,
        url,
        {
            **ANON,
            "admin": 200,
            "county": 403,
            "clerk_a": 200,
            "clerk_b": 404,
            "grid_a": 403,
            "dept_edu": 404,
        },
    )
    check_role_matrix(
        client_as,
        url,
        {**ANON, "county": 403, "clerk_b": 404, "grid_a": 403, "dept_edu": 404},
        method="post",
        data={"left_on": "2026-01-01", "reason": "x"},
    )
    assert Subject.objects.get(pk=world.shop_a.pk).left_on is None


def test_home_counts_are_scoped(world, client_as):
    assert client_as("clerk_a").get("/").context["totals"]["active_total"] == 4
    assert client_as("clerk_b").get("/").context["totals"]["active_total"] == 3
    assert client_as("dept_edu").get("/").context["totals"]["active_total"] == 2


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/subjects/",
        "/subjects/new/",
        "/subjects/1/",
        "/subjects/1/edit/",
        "/subjects/1/deregister/",
        "/regions/",
        "/regions/990121000000/",
        "/accounts/password_change/",
        "/admin/",
    ],
)
def test_every_page_but_login_and_healthz_needs_a_login(db, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response.headers["Location"]


def test_login_and_healthz_are_open(db, client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_non_admins_are_kept_out_of_django_admin(world, client_as):
    response = client_as("county").get("/admin/")
    assert response.status_code == 302
    assert client_as("admin").get("/admin/").status_code == 200


def test_hostile_ids_are_404_not_errors(world, client_as):
    client = client_as("clerk_a")
    assert client.get("/subjects/99999999/").status_code == 404
    assert client.get("/subjects/abc/").status_code == 404
    assert client.get("/regions/99%27%20OR%201=1/").status_code == 404
    assert client.get("/subjects/?region=9999&category=x&per_page=100000&sort=<script>").status_code == 200
