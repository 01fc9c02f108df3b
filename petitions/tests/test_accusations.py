"""检举控告 is hidden from the accused department (《信访工作条例》第三十条), on the page and the list."""

import pytest

from petitions.tests.helpers import petition

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_an_accusation_is_hidden_from_the_accused_department(world, client_as):
    p = petition(world, subject=world.school_a, type="检举控告", content="检举校长违规收费")
    ordinary = petition(world, user="clerk_b", subject=world.school_b, content="建议增设校车线路")
    client = client_as("dept_edu")
    detail = client.get(f"/petitions/{p.pk}/").content.decode()
    assert "检举校长违规收费" not in detail and "张*" not in detail and "002X" not in detail and "1234" not in detail
    assert "（按规定对您不可见）" in detail and "信访工作条例》第三十条" in detail
    listing = client.get("/petitions/")
    html = listing.content.decode()
    assert "检举校长违规收费" not in html and "检举校长" not in html and "（按规定对您不可见）" in html
    assert "建议增设校车线路" in html  # other types stay readable for the department
    assert {row.record for row in listing.context["table"].page.object_list} == {p, ordinary}
    for user in ("county", "clerk_a"):
        assert "检举校长违规收费" in client_as(user).get(f"/petitions/{p.pk}/").content.decode()
        assert "检举校长违规收费" in client_as(user).get("/petitions/").content.decode()
