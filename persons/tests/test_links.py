"""A person's links to the petitions and disputes they appear in (关联事项): suggested by the ID number's
keyed hash (petitions) and by name among a dispute's parties in the same township; linked by number or
from a suggestion, only to what the user can see; unlinked after a confirmation; both audited and on the
person's timeline; another township's petition is neither suggested nor linkable, nor shown as a link."""

import datetime

import pytest
import time_machine

from disputes import services as dispute_services
from persons.models import PersonLink
from petitions import services as petition_services

from .helpers import ID_A, ID_B, make_person

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


def petition(world, subject, user="clerk_a", id_number=ID_A, name="张建国"):
    return petition_services.petition_create(
        actor=world.users[user],
        data={
            "subject": subject,
            "received_on": DAY,
            "channel": "来访",
            "type": "申诉求决",
            "petitioner_name": name,
            "id_number": id_number,
            "headcount": 1,
            "level_reached": "乡镇",
            "content": "要求解决土地补偿",
        },
    )


def dispute(world, subject, parties, user="clerk_a"):
    return dispute_services.dispute_create(
        actor=world.users[user],
        data={
            "subject": subject,
            "found_on": DAY,
            "category": "邻里纠纷",
            "summary": "宅基地边界争执",
            "source": "网格排查",
            "parties": parties,
            "people_count": 2,
            "risk_colour": "黄",
        },
    )


def test_petitions_with_the_id_number_and_disputes_naming_the_person_are_suggested(world, client_as):
    person = make_person(world)
    same_id = petition(world, world.shop_a)
    petition(world, world.shop_a, id_number=ID_B, name="李明")  # another ID: not suggested
    theirs = petition(world, world.shop_b, user="clerk_b")  # the same ID in 乙镇: not clerk_a's to see
    named = dispute(world, world.school_a, "张建国、王五")  # 甲镇 (the township itself)
    dispute(world, world.shop_b, "张建国、赵六", user="clerk_b")  # another township: not suggested
    page = client_as("clerk_a").get(f"/persons/{person.pk}/")
    suggested = [(s["kind"], s["target"].pk) for s in page.context["suggestions"]]
    assert suggested == [("petition", same_id.pk), ("dispute", named.pk)]
    html = page.content.decode()
    assert "信访人身份证号相同" in html and "当事人含“张**”（同乡镇）" in html
    assert f"/petitions/{theirs.pk}/" not in html
    # county staff see 乙镇's petition suggested too, but cannot link (read only)
    county = client_as("county").get(f"/persons/{person.pk}/")
    assert {s["target"].pk for s in county.context["suggestions"] if s["kind"] == "petition"} == {same_id.pk, theirs.pk}
    assert county.context["link_form"] is None and 'action="/persons/' not in county.content.decode()


def test_linking_by_number_and_from_a_suggestion_is_audited_and_shown(world, client_as):
    person = make_person(world)
    mine = petition(world, world.shop_a)
    named = dispute(world, world.school_a, "张建国")
    client = client_as("grid_a")  # the 包户 grid worker links too; it sees 甲一村's entries
    response = client.post(f"/persons/{person.pk}/links/", {"kind": "petition", "number": mine.pk}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [f"已关联信访：{mine}。"]
    response = client_as("clerk_a").post(f"/persons/{person.pk}/links/", {"kind": "dispute", "number": named.pk})
    assert response.status_code == 302 and response["Location"] == f"/persons/{person.pk}/#links"
    link = PersonLink.objects.get(petition=mine)
    assert (link.person, link.created_by) == (person, world.users["grid_a"])
    assert link.history.get().history_change_reason == f"关联信访：{mine}"
    page = client_as("clerk_a").get(f"/persons/{person.pk}/")
    assert [(i["kind"], i["target"].pk) for i in page.context["links"]] == [("矛盾纠纷", named.pk), ("信访", mine.pk)]
    assert page.context["suggestions"] == []  # linked: no longer suggested
    html = page.content.decode()
    assert "关联信访" in html and "关联矛盾纠纷" in html  # the timeline
    listing = client_as("clerk_a").get("/persons/").context["table"].rows
    assert [row.get_cell_value("link_count") for row in listing] == [2]
    again = client_as("clerk_a").post(
        f"/persons/{person.pk}/links/", {"kind": "petition", "number": mine.pk}, follow=True
    )
    assert [str(m) for m in again.context["messages"]] == [f"该信访（编号{mine.pk}）已关联。"]
    assert PersonLink.objects.count() == 2


def test_what_the_user_cannot_see_is_neither_linkable_nor_shown(world, client_as):
    person = make_person(world)
    theirs = petition(world, world.shop_b, user="clerk_b")
    refused = client_as("clerk_a").post(
        f"/persons/{person.pk}/links/", {"kind": "petition", "number": theirs.pk}, follow=True
    )
    assert [str(m) for m in refused.context["messages"]] == [f"编号为{theirs.pk}的信访不存在或不在您的管辖范围内。"]
    bad = client_as("clerk_a").post(f"/persons/{person.pk}/links/", {"kind": "case", "number": "x"}, follow=True)
    assert len(bad.context["messages"]) == 2 and not PersonLink.objects.exists()
    assert (
        client_as("county").post(f"/persons/{person.pk}/links/", {"kind": "petition", "number": theirs.pk}).status_code
        == 403
    )
    # county staff's... no: an administrator links 乙镇's petition; 甲镇's clerk sees the person with one hidden link
    from persons.services import person_link_add

    person_link_add(actor=world.users["admin"], person=person, petition=theirs)
    page = client_as("clerk_a").get(f"/persons/{person.pk}/")
    assert page.context["links"] == [] and page.context["hidden_links"] == 1
    assert "另有 1 件关联事项不在您的管辖范围内" in page.content.decode()
    assert f"/petitions/{theirs.pk}/" not in page.content.decode()


def test_unlinking_asks_first_and_is_audited(world, client_as):
    person = make_person(world)
    mine = petition(world, world.shop_a)
    from persons.services import person_link_add

    link = person_link_add(actor=world.users["clerk_a"], person=person, petition=mine)
    url = f"/persons/{person.pk}/links/{link.pk}/delete/"
    confirm = client_as("clerk_a").get(url)
    assert confirm.status_code == 200 and "确定解除" in confirm.content.decode()
    assert client_as("clerk_b").post(url).status_code == 404
    assert client_as("county").post(url).status_code == 403
    assert client_as("clerk_a").post(url).status_code == 302
    assert not PersonLink.objects.exists()
    removed = PersonLink.history.filter(history_type="-").get()
    assert (removed.history_user, removed.history_change_reason) == (
        world.users["clerk_a"],
        f"解除关联信访：编号{mine.pk}",
    )
    assert "解除关联信访" in client_as("clerk_a").get(f"/persons/{person.pk}/").content.decode()
