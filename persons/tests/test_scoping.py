"""Who sees a 重点人员 (persons.models): another township's person is 404; a 行业主管部门 user sees none
(the role table gives departments no view); a grid worker sees the persons it keeps (包户) and no other,
not even another grid worker's in its own village; 督办 and the work queue follow the same scope."""

import datetime

import pytest
import time_machine

from ledger.supervision import supervision_items
from persons.models import KeyPerson
from sanzero.services import ServiceError
from units import services as unit_services

from .helpers import ID_B, ID_C, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


@pytest.fixture
def grid_a2(world):
    """A second grid worker of 甲一村."""
    from sanzero.roles import Role
    from sanzero.testing import PASSWORD

    user = unit_services.user_create(
        actor=None,
        username="grid_a2",
        role=Role.GRID,
        region_codes=[world.village_a.code],
        password=PASSWORD,
        check_password_strength=False,
    )
    world.users["grid_a2"] = user
    return user


def test_another_townships_person_is_404_on_every_page_of_it(world, client_as):
    person = make_person(world)
    client = client_as("clerk_b")
    for url in (
        f"/persons/{person.pk}/",
        f"/persons/{person.pk}/edit/",
        f"/persons/{person.pk}/print/",
        f"/persons/{person.pk}/do/visit/",
        f"/persons/{person.pk}/do/release/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"version": person.version}).status_code == 404, url
    assert client.post(f"/persons/{person.pk}/links/", {"kind": "petition", "number": 1}).status_code == 404
    listing = client.get("/persons/?reset_filters=1", follow=True)
    assert [row.record for row in listing.context["table"].rows] == []
    assert KeyPerson.objects.get(pk=person.pk).version == person.version


def test_a_department_user_sees_no_person_anywhere(world, client_as):
    person = make_person(world)
    client = client_as("dept_edu")
    refused = client.get("/persons/")
    assert refused.status_code == 403 and "您的角色不能查看重点人员" in refused.content.decode()
    assert client.get(f"/persons/{person.pk}/").status_code == 404
    assert client.get("/persons/new/").status_code == 403
    assert KeyPerson.objects.for_user(world.users["dept_edu"]).count() == 0
    # no 重点人员 section on a subject's page for it (a village's page has one for clerk_a; a unit's none)
    from sanzero.registry import subject_sections

    village = world.village_a.village_subject
    assert "重点人员" not in [s["title"] for s in subject_sections(village, world.users["dept_edu"])]
    assert "重点人员" in [s["title"] for s in subject_sections(village, world.users["clerk_a"])]
    assert "登记重点人员" in client_as("clerk_a").get(village.get_absolute_url()).content.decode()
    assert "重点人员" not in [s["title"] for s in subject_sections(world.shop_a, world.users["clerk_a"])]
    assert "登记重点人员" not in client_as("clerk_a").get(world.shop_a.get_absolute_url()).content.decode()
    # nor 督办, nor the work queue
    assert not [i for i in supervision_items(user=world.users["dept_edu"]) if isinstance(i.entry, KeyPerson)]
    assert 'data-task="person_visits"' not in client.get("/").content.decode()


def test_a_grid_worker_sees_the_persons_it_keeps_and_no_other(world, client_as, grid_a2):
    kept = make_person(world)  # 甲一村, kept by grid_a
    other = make_person(world, id_number=ID_B, name="李明", keeper="grid_a2")  # 甲一村, kept by grid_a2
    unkept = make_person(world, id_number=ID_C, name="王强", keeper=None)  # 甲一村, nobody yet
    listing = client_as("grid_a").get("/persons/")
    assert [row.record.pk for row in listing.context["table"].rows] == [kept.pk]
    for person in (other, unkept):
        assert client_as("grid_a").get(f"/persons/{person.pk}/").status_code == 404
    assert client_as("grid_a2").get(f"/persons/{other.pk}/").status_code == 200
    # the township's clerk sees all three, and 督办 of each grid worker lists only its own
    clerk_list = client_as("clerk_a").get("/persons/")
    assert {row.record.pk for row in clerk_list.context["table"].rows} == {kept.pk, other.pk, unkept.pk}
    assert "未落实" in clerk_list.content.decode()  # the person without a 包户, marked on the list
    unassigned = client_as("clerk_a").get("/persons/", {"keeper": "no"}).context["table"].rows
    assert [row.record.pk for row in unassigned] == [unkept.pk]
    mine = [i.entry.pk for i in supervision_items(user=world.users["grid_a"]) if isinstance(i.entry, KeyPerson)]
    assert mine == [kept.pk]


def test_a_grid_worker_keeps_what_it_registers_and_cannot_hand_it_to_another(world, client_as, grid_a2):
    data = {
        "village": world.village_a.pk,
        "registered_on": "2026-03-01",
        "name": "王小明",
        "id_number": ID_B,
        "category": "吸毒",
        "risk_level": "高",
        "grid_worker": "",
        "visit_every_days": "",
    }
    client = client_as("grid_a")
    form = client.get("/persons/new/").context["form"]
    assert [u.username for u in form.fields["grid_worker"].queryset] == ["grid_a"]
    refused = client.post("/persons/new/", {**data, "grid_worker": "grid_a2"})
    assert refused.status_code == 400 and "grid_worker" in refused.context["form"].errors
    assert client.post("/persons/new/", data).status_code == 302
    person = KeyPerson.objects.get()
    assert (person.grid_worker, person.visit_every_days, person.due_on) == (
        world.users["grid_a"],
        7,  # 高 risk, left blank: weekly
        datetime.date(2026, 3, 8),
    )
    with pytest.raises(ServiceError, match="须由本人包户"):
        from persons import services

        services.key_person_update(actor=world.users["grid_a"], obj=person, data={"grid_worker": grid_a2})


def test_the_keeper_must_hold_the_persons_village(world, client_as):
    response = client_as("clerk_b").post(
        "/persons/new/",
        {
            "village": world.village_b.pk,
            "registered_on": "2026-03-01",
            "name": "王小明",
            "id_number": ID_B,
            "category": "吸毒",
            "risk_level": "中",
            "grid_worker": "grid_a",  # 甲一村's grid worker: not offered to 乙镇, and not 乙一村's
            "visit_every_days": "",
        },
    )
    assert response.status_code == 400 and not KeyPerson.objects.exists()
    assert "grid_worker" in response.context["form"].errors
    with pytest.raises(ServiceError, match="管辖区划不包含乙一村"):
        make_person(world, region=world.village_b, user="clerk_b", keeper="grid_a")


def test_the_keeper_picker_searches_the_grid_workers_in_scope_and_renders_none_of_them(world, client_as, grid_a2):
    """包户网格员 is a search-as-you-type picker: a city's administrator would otherwise get every grid
    worker as an <option>. 乙镇's clerk finds no grid worker of 甲镇; a grid worker finds only itself."""
    found = client_as("clerk_a").get("/persons/grid-workers/search/", {"q": "grid"}).json()
    assert {item["id"] for item in found["results"]} == {"grid_a", "grid_a2"}
    by_village = client_as("clerk_a").get("/persons/grid-workers/search/", {"q": world.village_a.name}).json()
    assert {item["id"] for item in by_village["results"]} == {"grid_a", "grid_a2"}
    assert client_as("clerk_b").get("/persons/grid-workers/search/", {"q": "grid"}).json()["results"] == []
    own = client_as("grid_a").get("/persons/grid-workers/search/").json()
    assert [item["id"] for item in own["results"]] == ["grid_a"]
    assert client_as("county").get("/persons/grid-workers/search/").status_code == 403

    form = client_as("clerk_a").get("/persons/new/").content.decode()
    assert 'data-picker-url="/persons/grid-workers/search/"' in form
    assert 'value="grid_a"' not in form and 'value="grid_a2"' not in form  # nothing listed up front
