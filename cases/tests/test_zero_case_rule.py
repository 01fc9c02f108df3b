"""The 零案件 rule: a criminal case or a case of major influence breaks it; 重大影响 is for 治安 cases only,
in the service and on the form."""

import pytest

from cases import services
from cases.models import PoliceCase
from cases.tests.helpers import case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_breaks_zero_case_follows_the_default_rule(world):
    criminal = case(world, kind="刑事", cause="盗窃")
    major = case(world, major_influence=True)
    minor = case(world)
    assert criminal.breaks_zero_case and major.breaks_zero_case
    assert not minor.breaks_zero_case
    assert set(PoliceCase.objects.breaking_zero_case()) == {criminal, major}
    assert set(PoliceCase.objects.breaking_zero_case(False)) == {minor}


def test_major_influence_is_stored_false_for_criminal_cases(world):
    criminal = case(world, kind="刑事", major_influence=True)
    criminal.refresh_from_db()
    assert criminal.major_influence is False and criminal.breaks_zero_case
    # A 治安 case of major influence reclassified as 刑事 loses the flag, even when only the kind is sent.
    c = case(world, major_influence=True)
    services.police_case_update(actor=world.users["clerk_a"], obj=c, data={"kind": "刑事"}, expected_version=1)
    c.refresh_from_db()
    assert c.kind == "刑事" and c.major_influence is False and c.version == 2


def test_the_form_ignores_major_influence_for_criminal_cases(world, client_as):
    client = client_as("clerk_a")
    response = client.get("/cases/new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="major-influence-box"' in html and "cases/case_form.js" in html
    response = client.post(
        "/cases/new/",
        {
            "subject": world.shop_a.pk,
            "occurred_on": "2026-03-02",
            "kind": "刑事",
            "major_influence": "on",
            "cause": "盗窃",
        },
    )
    assert response.status_code == 302
    assert PoliceCase.objects.get().major_influence is False
