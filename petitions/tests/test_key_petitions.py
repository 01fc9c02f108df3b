"""重点信访: 集体访 derived from the county's headcount setting, 越级 and 非正常 in the key filter, 代办 counts
(the secretaries' 代办 records, agency app)."""

import pytest

from agency import services as agency_services
from agency.selectors import open_counts
from agency.tests.helpers import agency
from petitions.models import Petition
from petitions.tests.helpers import TODAY, fresh, petition, run
from sanzero.models import DeadlineSettings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_collective_is_derived_from_the_current_setting(world):
    p = petition(world, headcount=5)
    q = petition(world, headcount=4)
    assert fresh(p).is_collective and not fresh(q).is_collective
    assert set(Petition.objects.with_collective().filter(collective=True)) == {p}
    assert set(Petition.objects.key("collective")) == {p}
    rules = DeadlineSettings.current()
    rules.petition_collective_headcount = 4
    rules.save()
    assert set(Petition.objects.key("collective")) == {p, q}
    assert fresh(q).is_collective and Petition.objects.with_collective().get(pk=q.pk).collective


def test_key_filter_and_agent_counts(world, client_as):
    skip = petition(world, level_reached="市", is_skip_level=True)
    crowd = petition(world, headcount=12)
    odd = petition(world, is_abnormal=True, level_reached="县")
    plain = petition(world)
    petition(world)
    agency(world, skip, level="县", secretary="李书记")
    agency(world, crowd, level="乡镇", secretary="王书记")
    done = agency(world, odd, level="乡镇", secretary="王书记")
    agency(world, plain, level="村", secretary="赵书记")
    run(world, plain, "reply", replied_on=TODAY)
    agency_services.agency_finish(
        actor=world.users["clerk_a"], obj=done, data={"finished_on": TODAY, "outcome": "已解决"}
    )
    # the 督办 figures: records still 代办中, per secretary level
    assert open_counts(world.users["county"]) == {"村": 1, "乡镇": 1, "县": 1, "市": 0}
    assert open_counts(world.users["clerk_b"]) == {"村": 0, "乡镇": 0, "县": 0, "市": 0}
    client = client_as("county")
    for flag, expected in [("skip", {skip}), ("collective", {crowd}), ("abnormal", {odd}), ("any", {skip, crowd, odd})]:
        response = client.get("/petitions/", {"key": flag})
        assert {row.record for row in response.context["table"].page.object_list} == expected, flag
    response = client.get("/petitions/", {"agent_level": "乡镇"})
    assert {row.record for row in response.context["table"].page.object_list} == {crowd, odd}
    response = client.get("/petitions/", {"agent_level": "none"})
    assert len(response.context["table"].page.object_list) == 1
    # the list remembers the last filter (agent_level=none); 清除筛选 opens it unfiltered
    html = client.get("/petitions/?reset_filters=1", follow=True).content.decode()
    assert "集体访</span>" in html and "越级</span>" in html and "非正常</span>" in html and "李书记" in html
