"""The petitioner's name, ID number and phone: masked on the list, the page, the edit form and the audit trail;
shown in full only after a logged reveal by a permitted user."""

import pytest

from petitions import services
from petitions.tests.helpers import CONTENT, ID, PHONE, fresh, petition
from sanzero.models import AccessLog

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_personal_data_is_masked_on_list_and_detail(world, client_as):
    p = petition(world)
    for user in ("clerk_a", "county", "grid_a", "admin"):
        client = client_as(user)
        listing = client.get("/petitions/").content.decode()
        assert "张*" in listing and "张伟" not in listing and ID not in listing and PHONE not in listing
        detail = client.get(f"/petitions/{p.pk}/").content.decode()
        assert "110105********002X" in detail and "138****1234" in detail and "张*" in detail
        assert ID not in detail and PHONE not in detail and "张伟" not in detail
    assert "显示完整个人信息" in client_as("clerk_a").get(f"/petitions/{p.pk}/").content.decode()
    assert "显示完整个人信息" not in client_as("grid_a").get(f"/petitions/{p.pk}/").content.decode()


def test_reveal_shows_full_values_and_is_logged(world, client_as):
    p = petition(world)
    response = client_as("clerk_a").post(f"/petitions/{p.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert ID in html and PHONE in html and "张伟" in html and "已显示完整个人信息" in html
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_label, log.object_id) == (
        world.users["clerk_a"],
        "reveal",
        "petitions.petition",
        str(p.pk),
    )
    assert set(log.fields.split(",")) == {"petitioner_name", "id_number", "phone"}

    assert client_as("grid_a").post(f"/petitions/{p.pk}/").status_code == 403
    assert client_as("clerk_b").post(f"/petitions/{p.pk}/").status_code == 404
    school = petition(world, subject=world.school_a)
    assert client_as("dept_edu").post(f"/petitions/{school.pk}/").status_code == 403
    assert client_as("county").post(f"/petitions/{school.pk}/").status_code == 200
    assert AccessLog.objects.count() == 2
    assert ID not in client_as("clerk_a").get(f"/petitions/{p.pk}/").content.decode()  # the next view is masked


def test_the_edit_form_never_shows_stored_personal_data_and_blank_keeps_it(world, client_as):
    p = petition(world)
    client = client_as("grid_a")
    html = client.get(f"/petitions/{p.pk}/edit/").content.decode()
    assert ID not in html and PHONE not in html and "张伟" not in html
    assert 'placeholder="110105********002X"' in html and 'placeholder="138****1234"' in html and "不修改请留空" in html
    form = {
        "subject": world.shop_a.pk,
        "received_on": "2026-01-30",
        "channel": "来访",
        "type": "申诉求决",
        "petitioner_name": "",
        "id_number": "",
        "phone": "13999998888",
        "headcount": 2,
        "level_reached": "乡镇",
        "content": CONTENT,
        "version": 1,
    }
    assert client.post(f"/petitions/{p.pk}/edit/", form).status_code == 302
    p = fresh(p)
    assert (p.petitioner_name, p.id_number, p.phone, p.headcount) == ("张伟", ID, "13999998888", 2)


def test_the_audit_trail_does_not_leak_personal_data(world, client_as):
    p = petition(world)
    services.petition_update(
        actor=world.users["clerk_a"],
        obj=p,
        expected_version=1,
        data={"phone": "13999998888", "petitioner_name": "张伟民"},
    )
    html = client_as("grid_a").get(f"/petitions/{p.pk}/").content.decode()
    assert "联系电话" in html and "139****8888" in html and "138****1234" in html
    assert "13999998888" not in html and PHONE not in html and "张伟民" not in html
    html = client_as("clerk_a").post(f"/petitions/{p.pk}/").content.decode()
    assert "13999998888" in html and "张伟民" in html
