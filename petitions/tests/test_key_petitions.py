"""重点信访: 集体访 derived from the county's headcount setting, 越级 and 非正常 in the key filter, 代办 counts."""

import pytest

from petitions.models import Petition
from petitions.selectors import agent_counts
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
    skip = petition(world, level_reached="市", is_skip_level=True, agent_level="县", agent_name="李书记")
    crowd = petition(world, headcount=12, agent_level="乡镇", agent_name="王书记")
    odd = petition(world, is_abnormal=True, level_reached="县", agent_level="乡镇", agent_name="王书记")
    plain = petition(world, agent_level="村", agent_name="赵书记")
    petition(world)
    run(world, plain, "reply", replied_on=TODAY)  # 已答复 is still open
    run(world, fresh(odd), "reply", replied_on=TODAY)
    run(world, fresh(odd), "close", closed_on=TODAY, satisfaction="满意")
    assert agent_counts(Petition.objects.for_user(world.users["county"])) == {"村": 1, "乡镇": 1, "县": 1}
    assert agent_counts(Petition.objects.for_user(world.users["clerk_b"])) == {"村": 0, "乡镇": 0, "县": 0}
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
