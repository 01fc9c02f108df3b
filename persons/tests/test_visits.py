"""The visit log (走访记录): a visit moves the next one a period on; an overdue visit is on 督办, on the
home page's work queue (the generic 超期与临期 card and the 重点人员走访 card, a grid worker's for its own
包户), in a notice to the township only; releasing a person ends its deadline."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from ledger.supervision import SUPERVISED, notify_newly_overdue, supervision_items
from persons import services
from persons.models import KeyPerson, PersonVisit
from sanzero.models import Notification
from sanzero.services import ServiceError

from .helpers import ID_B, D, make_person

pytestmark = pytest.mark.django_db
TODAY = D(2026, 3, 16)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


def test_an_overdue_visit_is_on_supervision_and_on_the_work_queue(world, client_as):
    person = make_person(world)  # registered 01-10, weekly: due 01-17
    assert KeyPerson in SUPERVISED and person.due_on == D(2026, 1, 17)
    items = [i for i in supervision_items(user=world.users["clerk_a"], today=TODAY) if isinstance(i.entry, KeyPerson)]
    assert [(i.entry, i.colour, i.days_overdue) for i in items] == [(person, "red", 58)]
    page = client_as("county").get("/supervision/").content.decode()
    assert f'href="/persons/{person.pk}/"' in page and "重点人员" in page and "张建国" not in page
    for role, label in (("grid_a", "我包户的重点人员走访"), ("clerk_a", "重点人员走访")):
        home = client_as(role).get("/").content.decode()
        card = home.split('data-task="person_visits"', 1)[1].split('data-task="', 1)[0]
        assert label in card and 'data-task-count="person_visits">1<' in card
        assert "张**（社区矫正）" in card and "走访：超期58天（期限 2026-01-17）" in card
    deadlines = client_as("clerk_a").get("/").content.decode().split('data-task="deadlines"', 1)[1]
    assert "张**（社区矫正）" in deadlines.split('data-task="', 1)[0]  # the generic 超期与临期 card too
    assert 'data-task="person_visits"' not in client_as("county").get("/").content.decode()  # read only: no duty


def test_the_overdue_notice_goes_to_the_township_and_no_department(world):
    make_person(world)
    assert notify_newly_overdue(today=TODAY) >= 1
    note = Notification.objects.get(object_label="persons.keyperson")
    assert (note.region, note.department_id) == (world.town_a, None)
    assert "张建国" not in note.message


def test_a_visit_is_logged_moves_the_deadline_and_clears_the_card(world, client_as):
    person = make_person(world)
    client = client_as("grid_a")
    response = client.post(
        f"/persons/{person.pk}/do/visit/",
        {
            "visited_on": "2026-03-14",
            "way": "入户走访",
            "situation": "本人在家，张建国情绪稳定，电话13912345678。",
            "abnormal": "on",
            "version": person.version,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.last_visited_on, person.due_on, person.status) == (D(2026, 3, 14), D(2026, 3, 21), "在管")
    visit = PersonVisit.objects.get()
    assert (visit.by, visit.way, visit.abnormal) == (world.users["grid_a"], "入户走访", True)
    assert person.history.first().history_change_reason == "登记走访"
    page = client.get(f"/persons/{person.pk}/").content.decode()
    log = page.split('id="visits"', 1)[1].split('id="links"', 1)[0]
    assert "2026-03-14" in log and "发现异常" in log and "入户走访" in log
    assert "张**情绪稳定" in log and "139****5678" in log and "张建国" not in page  # free text masked too
    home = client.get("/").content.decode()
    assert 'data-task-count="person_visits">0<' in home
    assert not [i for i in supervision_items(user=world.users["grid_a"], today=TODAY) if i.colour == "red"]


def test_a_visit_needs_a_date_in_range_and_what_was_found(world):
    person = make_person(world)
    for data, message in [
        ({"visited_on": D(2026, 1, 1), "situation": "x"}, "走访日期应在列管日期与今天之间"),
        ({"visited_on": D(2026, 3, 17), "situation": "x"}, "走访日期应在列管日期与今天之间"),
        ({"visited_on": D(2026, 3, 1), "situation": " "}, "请填写走访情况"),
    ]:
        with pytest.raises(ServiceError, match=message):
            services.key_person_transition(actor=world.users["clerk_a"], obj=person, name="visit", data=data)
    assert not PersonVisit.objects.exists()
    with pytest.raises(Exception, match="登记走访"):
        services.key_person_transition(
            actor=world.users["county"], obj=person, name="visit", data={"visited_on": D(2026, 3, 1), "situation": "x"}
        )


def test_releasing_a_person_ends_the_deadline_and_is_audited(world, client_as):
    person = make_person(world)
    response = client_as("clerk_a").post(
        f"/persons/{person.pk}/do/release/",
        {"released_on": "2026-03-10", "note": "矫正期满", "version": person.version},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.status, person.released_on, person.due_on) == ("已解除", D(2026, 3, 10), None)
    assert person.history.first().history_change_reason == "解除列管：在管 → 已解除列管（矫正期满）"
    assert client_as("clerk_a").get(f"/persons/{person.pk}/do/visit/").status_code == 302  # no visit once released
    # the same ID number may be listed again afterwards (one 在管 record per ID number)
    again = make_person(world, registered_on=D(2026, 3, 12))
    assert again.pk != person.pk
    with pytest.raises(ValidationError, match="已登记为在管重点人员"):  # the model's constraint, by full_clean
        make_person(world, name="张建国", registered_on=D(2026, 3, 13))


@pytest.mark.parametrize(("risk", "days"), [("高", 7), ("中", 15), ("低", 30)])
def test_the_visit_period_left_blank_follows_the_risk_level(world, risk, days):
    from persons.forms import KeyPersonForm

    form = KeyPersonForm(
        {
            "village": world.village_a.pk,
            "registered_on": "2026-03-01",
            "name": "李四",
            "id_number": ID_B,
            "category": "其他",
            "risk_level": risk,
            "grid_worker": "",
            "visit_every_days": "",
        },
        user=world.users["clerk_a"],
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["visit_every_days"] == days
