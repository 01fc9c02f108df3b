"""The home page as a work queue (issue 10 point 3): a clerk's overdue and nearly due entries, 待我验收,
disputes to escalate, petitions near their 告知/办结期限, the month's 上报 state and the unread badge;
county staff's unsubmitted and below-target townships and the lock state, read from the snapshots."""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dashboards import compute
from dashboards import services as dashboard_services
from disputes.tests.helpers import dispute
from hazards.tests.helpers import hazard
from petitions.tests.helpers import petition
from sanzero.models import Notification
from sanzero.testing import assert_flat_queries, check_role_matrix, queries_of
from units.models import Subject

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def fixed_clock():
    """16 March 2026 in Shanghai: a dispute registered on 2 March is past its first level (1 working day)."""
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def card(response, key: str) -> dict:
    return next(t for t in response.context["tasks"] if t["key"] == key)


def keys(response) -> list[str]:
    return [t["key"] for t in response.context["tasks"]]


def item_urls(response, key: str) -> list[str]:
    return [i["url"] for i in card(response, key)["items"]]


def test_every_role_opens_the_home_page(world, client_as):
    check_role_matrix(
        client_as,
        "/",
        {"admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 200, "grid_a": 200, "dept_edu": 200, "anonymous": 302},
    )


def test_the_clerk_sees_the_own_townships_overdue_entry_and_not_the_others(world, client_as):
    mine = dispute(world, found_on=datetime.date(2026, 3, 2))
    theirs = dispute(world, user="clerk_b", subject=world.shop_b, found_on=datetime.date(2026, 3, 2))
    response = client_as("clerk_a").get("/")
    assert item_urls(response, "deadlines") == [mine.get_absolute_url()]
    assert item_urls(response, "escalations") == [mine.get_absolute_url()]
    html = response.content.decode()
    assert f'href="{mine.get_absolute_url()}"' in html and f'href="{theirs.get_absolute_url()}"' not in html
    item = card(response, "deadlines")["items"][0]
    assert item["colour"] == "red" and item["note"].startswith("超期13天")  # due 3 March
    assert "可升级至" in card(response, "escalations")["items"][0]["note"]
    # township B's clerk sees only B's
    other = client_as("clerk_b").get("/")
    assert item_urls(other, "deadlines") == [theirs.get_absolute_url()]


def test_nearly_due_entries_are_yellow_and_the_links_open_the_filtered_lists(world, client_as):
    soon = hazard(world, found_on=datetime.date(2026, 3, 12))  # 一般: 7 days → due 19 March, 3 days left
    later = hazard(world, found_on=datetime.date(2026, 3, 14))  # due 21 March: not yet in the queue
    response = client_as("clerk_a").get("/")
    deadlines = card(response, "deadlines")
    assert [i["url"] for i in deadlines["items"]] == [soon.get_absolute_url()]
    assert deadlines["items"][0]["colour"] == "yellow" and deadlines["items"][0]["note"].startswith("3天后到期")
    assert later.get_absolute_url() not in response.content.decode()
    assert [(link["label"], link["url"]) for link in deadlines["links"]] == [
        ("超期 0", "/supervision/?colour=red"),
        ("临期 1", "/supervision/?colour=yellow"),
    ]
    assert card(response, "escalations")["url"] == "/disputes/?deadline=overdue"


def test_petitions_near_their_notify_or_handling_deadline(world, client_as):
    to_tell = petition(world, received_on=datetime.date(2026, 3, 2))  # 告知期限 17 March: 1 day left
    late = petition(world, received_on=datetime.date(2026, 1, 10))  # 告知 past (25 Jan), 办结 11 March past
    petition(world, received_on=datetime.date(2026, 3, 10))  # 告知 25 March: not yet
    petition(world, user="clerk_b", subject=world.shop_b, received_on=datetime.date(2026, 3, 2))
    response = client_as("clerk_a").get("/")
    petitions = card(response, "petitions")
    assert petitions["count"] == 2
    assert [i["url"] for i in petitions["items"]] == [late.get_absolute_url(), to_tell.get_absolute_url()]
    assert petitions["items"][0]["note"].startswith("告知期限：超期50天")
    assert petitions["items"][1]["note"].startswith("告知期限：1天后到期")


def test_the_hazards_awaiting_my_acceptance(world, client_as):
    from hazards import services

    done = hazard(world, subject=world.school_a)
    services.hazard_transition(
        actor=world.users["clerk_a"], obj=done, name="rectify", data={"rectified_on": datetime.date(2026, 3, 10)}
    )
    # the school's department accepts it; the clerk who recorded the rectification does not
    acceptance = card(client_as("dept_edu").get("/"), "acceptance")
    assert acceptance["count"] == 1 and acceptance["url"] == "/hazards/acceptance/"
    assert [i["url"] for i in acceptance["items"]] == [done.get_absolute_url()]
    assert acceptance["items"][0]["note"] == "2026-03-10整改完成，已等待6天"
    mine = client_as("clerk_a").get("/")
    assert card(mine, "acceptance")["items"] == [] and "没有等待您验收的安全隐患。" in mine.content.decode()


def test_empty_states_are_in_chinese(world, client_as):
    html = client_as("clerk_a").get("/").content.decode()
    assert "没有超期或3天内到期的未办结台账。" in html
    assert "没有超出本级调解时限的矛盾纠纷。" in html
    assert "没有3天内需告知或办结的信访。" in html
    assert "（无未读）" in html


def test_the_clerks_month_state_and_the_county_sees_the_unsubmitted_township(world, client_as):
    clerk, county = client_as("clerk_a"), client_as("county")
    state = card(clerk.get("/"), "submission")
    assert state["state"] == "未上报"
    assert state["items"][0]["url"] == f"/dashboard/month/submit/?region={world.town_a.code}&month=2026-03"
    unsubmitted = card(county.get("/"), "unsubmitted")
    assert [i["label"] for i in unsubmitted["items"]] == ["甲镇", "乙镇"]

    from declarations.testing import declare_month

    declare_month(world.users["clerk_a"], world.town_a, MARCH)  # 零报告 first: 上报 waits for it
    dashboard_services.month_submit(actor=world.users["clerk_a"], region=world.town_a, month=MARCH)
    assert card(clerk.get("/"), "submission")["state"] == "已上报"
    response = county.get("/")
    unsubmitted = card(response, "unsubmitted")
    assert unsubmitted["count"] == 1 and [i["label"] for i in unsubmitted["items"]] == ["乙镇"]
    assert unsubmitted["items"][0]["url"] == f"/dashboard/?month=2026-03&region={world.town_b.code}"
    assert re.search(r'data-task-count="unsubmitted">1<', response.content.decode())
    # cards a role does not act on are not shown
    assert "submission" not in keys(response) and "unsubmitted" not in keys(clerk.get("/"))
    assert "escalations" not in keys(response) and "petitions" not in keys(response)


def test_below_target_townships_come_from_the_snapshots_and_the_lock_state(world, client_as):
    county = client_as("county")
    dashboard_services.target_set(
        actor=world.users["county"], year=2026, region=world.county, group="village", rate=Decimal("0.8")
    )
    village = Subject.objects.get(region=world.village_a, category__group="village")
    petition(world, subject=village, received_on=datetime.date(2026, 3, 5), is_skip_level=True)  # fails 零上访
    below = card(county.get("/"), "below_target")
    assert below["items"] == [] and below["empty"] == "2026年3月尚未计算快照。"

    compute.compute_month(region=world.county, month=MARCH)
    below = card(county.get("/"), "below_target")
    assert [i["label"] for i in below["items"]] == ["甲镇"]  # 甲镇's villages 1/2 = 50.0% < 80.0%; 乙镇 100%
    assert below["items"][0]["note"] == "村(社区) 50.0%（目标 80.0%）"
    assert (
        below["items"][0]["url"]
        == f"/dashboard/subjects/?month=2026-03&period=ytd&outcome=failed&region={world.town_a.code}"
    )
    # read from the snapshot, never recomputed: a new failing entry does not move it until recomputation
    petition(
        world,
        subject=Subject.objects.get(region=world.village_b, category__group="village"),
        user="clerk_b",
        is_skip_level=True,
        received_on=datetime.date(2026, 3, 6),
    )
    assert [i["label"] for i in card(county.get("/"), "below_target")["items"]] == ["甲镇"]

    assert card(county.get("/"), "lock")["state"] == "未锁定"
    dashboard_services.month_lock(
        actor=world.users["county"], region=world.county, month=MARCH, confirm_unsubmitted=True
    )
    lock = card(county.get("/"), "lock")
    assert lock["state"] == "已锁定" and "该月不再重新计算" in lock["items"][0]["note"]
    assert card(client_as("clerk_a").get("/"), "submission")["state"] == "已锁定"


def test_the_unread_badge_counts_the_townships_notifications(world, client_as):
    Notification.objects.create(
        region=world.town_a, message="矛盾纠纷已超期：甲一村超市", dedupe_key="t1", url="/disputes/"
    )
    html = client_as("clerk_a").get("/").content.decode()
    assert re.search(r"data-unread-count>1<", html) and 'href="/notifications/"' in html
    assert "data-unread-count" not in client_as("clerk_b").get("/").content.decode()
    client_as("clerk_a").post("/notifications/")
    assert "data-unread-count" not in client_as("clerk_a").get("/").content.decode()


def test_the_department_sees_its_subjects_queue(world, client_as):
    mine = hazard(world, user="clerk_a", subject=world.school_a, found_on=datetime.date(2026, 3, 2))
    hazard(world, user="clerk_a", subject=world.shop_a, found_on=datetime.date(2026, 3, 2))  # 市场监管's
    response = client_as("dept_edu").get("/")
    assert item_urls(response, "deadlines") == [mine.get_absolute_url()]
    assert "escalations" not in keys(response)  # a department does not mediate


@pytest.mark.parametrize("username", ["clerk_a", "county"])
def test_the_home_page_runs_the_same_queries_for_3_and_30_entries(world, client_as, username, settings):
    # the holiday calendar's stamp is re-read every few seconds of wall time: not a cost of the rows
    settings.SANZERO_HOLIDAY_CHECK_SECONDS = 3600
    client = client_as(username)

    def add(rows):
        for n in rows:
            dispute(world, found_on=datetime.date(2026, 3, 2), summary=f"纠纷{n}")
            hazard(world, found_on=datetime.date(2026, 3, 2), description=f"隐患{n}")
            petition(world, received_on=datetime.date(2026, 3, 2), content=f"诉求{n}")

    flat = assert_flat_queries(lambda: queries_of(client, "/"), add=add)
    counts = [card(r, "deadlines")["count"] for r in flat.responses]
    assert counts == [6, 60]  # disputes and hazards past due; the petitions are due in May (告知 is their own card)
    assert [len(card(r, "deadlines")["items"]) for r in flat.responses] == [6, 8]  # a page; the link has the rest
