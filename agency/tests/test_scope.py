"""Who sees a 书记代办 record: its matter's scope. Another township's record is 404; a department sees
the records of the subjects it supervises and never one of a 检举控告 (it accuses one of them); county
staff read everything in the county and change nothing."""

import datetime

import pytest

from agency.models import Agency
from agency.tests.helpers import agency
from disputes.tests.helpers import dispute
from petitions.tests.helpers import petition

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def listed(client, **query):
    response = client.get("/agency/", query)
    return {row.record for row in response.context["table"].page.object_list}


def test_another_townships_record_is_404_and_its_list_leaves_it_out(world, client_as):
    mine = agency(world, petition(world))
    theirs = agency(world, petition(world, user="clerk_b", subject=world.shop_b), user="clerk_b")
    client = client_as("clerk_a")
    for url in (f"/agency/{theirs.pk}/", f"/agency/{theirs.pk}/edit/", f"/agency/{theirs.pk}/finish/"):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/agency/{theirs.pk}/finish/", {"finished_on": "2026-03-05", "outcome": "已解决", "version": 1}
        ).status_code
        == 404
    )
    assert Agency.objects.get(pk=theirs.pk).status == "代办中"
    assert listed(client) == {mine}
    assert client.get(f"/agency/{mine.pk}/").status_code == 200
    assert listed(client_as("county")) == {mine, theirs}
    # a matter of another township cannot be taken on either
    other = dispute(world, user="clerk_b", subject=world.shop_b)
    assert client.get("/agency/new/", {"dispute": other.pk}).status_code == 404


def test_a_department_sees_its_subjects_records_never_an_accusation(world, client_as):
    suggestion = agency(world, petition(world, subject=world.school_a, type="建议意见", content="建议增设校车"))
    accusation = agency(world, petition(world, subject=world.school_a, type="检举控告", content="检举校长违规收费"))
    school_dispute = agency(
        world,
        dispute(world, subject=world.school_a),
        level="县",
        secretary="李书记",
        taken_on=datetime.date(2026, 3, 5),
    )
    shop = agency(world, petition(world))  # 市场监督管理局's subject
    edu = client_as("dept_edu")
    assert listed(edu) == {suggestion, school_dispute}
    assert edu.get(f"/agency/{suggestion.pk}/").status_code == 200
    assert edu.get(f"/agency/{suggestion.pk}/edit/").status_code == 403  # visible, read-only
    assert edu.get(f"/agency/{accusation.pk}/").status_code == 404
    assert edu.get(f"/agency/{shop.pk}/").status_code == 404
    # nor counted, nor on the accusation's page (which the department may open, its content hidden)
    figures = edu.get("/agency/").context["figures"]
    assert (figures.total, figures.petitions, figures.disputes) == (2, 1, 1)
    page = edu.get(f"/petitions/{accusation.petition_id}/").content.decode()
    assert "四级书记代办" not in page and "王书记" not in page
    assert "四级书记代办" in edu.get(f"/petitions/{suggestion.petition_id}/").content.decode()
    # county staff and the school's township clerk see all four
    assert listed(client_as("county")) == {suggestion, accusation, school_dispute, shop}
    assert "王书记" in client_as("clerk_a").get(f"/petitions/{accusation.petition_id}/").content.decode()


def test_county_staff_read_but_do_not_write(world, client_as):
    record = agency(world, petition(world))
    county = client_as("county")
    assert county.get(f"/agency/{record.pk}/").status_code == 200
    for url in (f"/agency/{record.pk}/edit/", f"/agency/{record.pk}/escalate/", f"/agency/{record.pk}/finish/"):
        assert county.get(url).status_code == 403, url
    assert county.get("/agency/new/", {"petition": record.petition_id}).status_code == 403
    html = county.get(f"/agency/{record.pk}/").content.decode()
    assert "逐级上报至" not in html and "/edit/" not in html
