"""Who may post which petition edit or step, beyond the inherited matrix of test_views.py, and a school's petition
seen by its department."""

import pytest

from petitions.tests.helpers import CONTENT, ID, PHONE, fresh, petition
from sanzero.testing import check_role_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_refused_edits_and_replies_change_nothing_and_the_township_s_go_through(world, client_as):
    """The five pages' matrix is TestPetitionViews' (test_views.py); this is who may post an edit or a reply."""
    p = petition(world)
    anon = {"anonymous": 302}
    edit = {
        "subject": world.shop_a.pk,
        "received_on": "2026-01-30",
        "channel": "来信",
        "type": "申诉求决",
        "petitioner_name": "张伟",
        "id_number": ID,
        "phone": PHONE,
        "headcount": 1,
        "level_reached": "乡镇",
        "content": "改过的内容",
        "version": 1,
    }
    check_role_matrix(
        client_as,
        f"/petitions/{p.pk}/edit/",
        {**anon, "county": 403, "clerk_b": 404, "dept_edu": 404},
        method="post",
        data=edit,
    )
    check_role_matrix(
        client_as,
        f"/petitions/{p.pk}/do/reply/",
        {**anon, "county": 403, "clerk_b": 404, "dept_edu": 404},
        method="post",
        data={"replied_on": "2026-03-10", "version": 1},
    )
    p = fresh(p)
    assert (p.status, p.channel, p.version) == ("办理中", "来访", 1)
    response = client_as("grid_a").post(f"/petitions/{p.pk}/edit/", edit)
    assert response.status_code == 302
    response = client_as("clerk_a").post(f"/petitions/{p.pk}/do/reply/", {"replied_on": "2026-03-10", "version": 2})
    assert response.status_code == 302
    p = fresh(p)
    assert (p.status, p.channel, p.content, p.version) == ("已答复", "来信", "改过的内容", 3)
    assert (p.petitioner_name, p.id_number, p.phone) == ("张伟", ID, PHONE)


def test_role_matrix_for_a_school_petition(world, client_as):
    p = petition(world, subject=world.school_a, type="建议意见")
    check_role_matrix(
        client_as,
        f"/petitions/{p.pk}/",
        {"county": 200, "clerk_a": 200, "clerk_b": 404, "grid_a": 404, "dept_edu": 200},
    )
    check_role_matrix(client_as, f"/petitions/{p.pk}/edit/", {"clerk_a": 200, "grid_a": 404, "dept_edu": 403})
    check_role_matrix(
        client_as,
        f"/petitions/{p.pk}/do/notify/",
        {"grid_a": 404, "dept_edu": 403},
        method="post",
        data={"notified_on": "2026-02-01", "version": 1},
    )
    assert fresh(p).notified_on is None
    response = client_as("dept_edu").get(f"/petitions/{p.pk}/")
    assert CONTENT in response.content.decode()  # not 检举控告: the department reads it
    listing = client_as("dept_edu").get("/petitions/")
    assert [row.record for row in listing.context["table"].page.object_list] == [p]
