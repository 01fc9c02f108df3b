"""Who sees and changes which dispute, beyond the inherited matrix of test_views.py: township B's and a school's
dispute, refused edits and steps, a grid worker registering in its own village only."""

import pytest

from disputes.models import Dispute
from disputes.tests.helpers import dispute, form_data, fresh
from sanzero.testing import check_role_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_refused_edits_and_steps_change_nothing_and_a_department_sees_its_school_only(world, client_as):
    """The five pages' matrix for a shop's dispute is TestDisputeViews' (test_views.py); this adds township B's
    and a school's dispute, edits and steps by role."""
    a = dispute(world)
    b = dispute(world, user="clerk_b", subject=world.shop_b)
    school = dispute(world, subject=world.school_a)
    anon = {"anonymous": 302}
    check_role_matrix(client_as, f"/disputes/{b.pk}/", {"clerk_a": 404, "clerk_b": 200, "grid_a": 404})
    check_role_matrix(client_as, f"/disputes/{school.pk}/", {"dept_edu": 200, "grid_a": 404, "clerk_a": 200})
    check_role_matrix(client_as, f"/disputes/{b.pk}/edit/", {"clerk_a": 404, "clerk_b": 200})
    check_role_matrix(client_as, f"/disputes/{school.pk}/edit/", {"dept_edu": 403})

    edit = form_data(world, summary="县里改的", version=1)
    check_role_matrix(
        client_as,
        f"/disputes/{a.pk}/edit/",
        {**anon, "county": 403, "clerk_b": 404, "dept_edu": 404},
        method="post",
        data=edit,
    )
    check_role_matrix(
        client_as,
        f"/disputes/{b.pk}/edit/",
        {"clerk_a": 404, "grid_a": 404},
        method="post",
        data=form_data(world, subject=world.shop_b.pk, version=1),
    )
    assert fresh(a).version == 1 and fresh(b).version == 1
    assert client_as("clerk_a").post(f"/disputes/{a.pk}/edit/", {**edit, "summary": "镇里改的"}).status_code == 302
    assert fresh(a).summary == "镇里改的"

    step = {"note": "本级期限已满", "version": 2}
    check_role_matrix(
        client_as,
        f"/disputes/{a.pk}/do/escalate/",
        {**anon, "county": 403, "clerk_b": 404, "dept_edu": 404},
        method="post",
        data=step,
    )
    check_role_matrix(
        client_as,
        f"/disputes/{b.pk}/do/escalate/",
        {"clerk_a": 404, "grid_a": 404},
        method="post",
        data={"note": "x", "version": 1},
    )
    a = fresh(a)
    assert a.version == 2 and a.level.name == "网格员" and fresh(b).version == 1
    assert client_as("clerk_a").post(f"/disputes/{a.pk}/do/escalate/", step).status_code == 302
    a = fresh(a)
    assert a.level.name == "村(社区)调委会" and a.version == 3
    assert client_as("clerk_a").get(f"/disputes/{a.pk}/do/resolve/").status_code == 200
    assert client_as("clerk_a").get(f"/disputes/{a.pk}/do/nonsense/").status_code == 404

    # 部门 sees its department's subjects only
    rows = client_as("dept_edu").get("/disputes/").context["table"].page.object_list
    assert [row.record.pk for row in rows] == [school.pk]


def test_grid_worker_registers_only_for_subjects_in_its_village(world, client_as):
    client = client_as("grid_a")
    response = client.post("/disputes/new/", form_data(world, subject=world.school_a.pk))
    assert response.status_code == 400 and "subject" in response.context["form"].errors
    assert not Dispute.objects.exists()
    response = client.post("/disputes/new/", form_data(world))
    assert response.status_code == 302
    d = Dispute.objects.get()
    assert d.created_by == world.users["grid_a"] and d.level.name == "网格员" and d.status == "调解中"
