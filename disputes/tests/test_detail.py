"""The dispute page: 建议升级 for an overdue dispute (on the list too), the timeline of escalations and visits."""

import datetime

import pytest

from disputes.tests.helpers import ALL_DATA, dispute, fresh, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_overdue_dispute_suggests_escalation_on_the_detail_page_and_the_list(world, client_as):
    d = dispute(world, found_on=datetime.date(2026, 3, 9))  # 网格员: due 3-10, today is 3-16
    on_time = dispute(world, found_on=datetime.date(2026, 3, 13))  # due 3-16: not yet past
    client = client_as("clerk_a")
    page = client.get(f"/disputes/{d.pk}/").content.decode()
    assert "已超过本级调解期限，建议升级至：村(社区)调委会" in page
    assert f'href="/disputes/{d.pk}/do/escalate/"' in page
    assert "已超过本级调解期限" not in client.get(f"/disputes/{on_time.pk}/").content.decode()
    county_page = client_as("county").get(f"/disputes/{d.pk}/").content.decode()
    assert "建议升级至：村(社区)调委会" in county_page and "/do/escalate/" not in county_page
    listing = client.get("/disputes/").content.decode()
    assert listing.count("建议升级至：") == 1 and "建议升级至：村(社区)调委会" in listing


def test_the_detail_timeline_shows_escalations_and_follow_up_visits(world, client_as):
    d = dispute(world, found_on=datetime.date(2026, 3, 2))
    run(world, d, "escalate", note="本级期限已满")
    run(world, fresh(d), "resolve", **ALL_DATA)
    run(world, fresh(d), "follow_up", visited_on=datetime.date(2026, 3, 12), performance_ok=False, note="尚未付款")
    response = client_as("county").get(f"/disputes/{d.pk}/")
    titles = [e["title"] for e in response.context["timeline"]]
    assert "升级调解：网格员 → 村(社区)调委会" in titles
    assert "回访（2026-03-12）：协议未履行或有反复" in titles
    assert titles.count("修改") == 3 and titles.count("新建") == 1
    page = response.content.decode()
    assert "超期升级" in page and "尚未付款" in page
