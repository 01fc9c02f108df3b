"""A person's 姓名, 身份证号, 联系电话 and 现住址: encrypted (ID, phone), masked on the list, in the export,
on the page, in the printed 登记表 and in the audit trail; shown in full after a logged reveal, to a clerk
or county staff and to the person's own 包户 grid worker (not to another role); the export never holds
them in full and so logs nothing."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.db import connection

from persons import services
from persons.models import KeyPerson
from sanzero.models import AccessLog

from .helpers import ID_A, make_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]
RAW = ("张建国", ID_A, "13912345678", "甲镇甲一村3组12号")
MASKED = ("张**", "990121********1238", "139****5678", "甲镇甲一村3****")


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0), tick=False):
        yield


def _sheet_text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None)


def test_id_number_and_phone_are_ciphertext_at_rest_and_found_by_their_hash(world, client_as):
    person = make_person(world)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM persons_keyperson WHERE id = %s", [person.pk])
        stored = cursor.fetchone()
    assert ID_A not in stored[0] and "13912345678" not in stored[1]
    found = client_as("clerk_a").get("/persons/", {"person": ID_A.lower()})
    assert [row.record.pk for row in found.context["table"].rows] == [person.pk]
    assert not client_as("clerk_a").get("/persons/", {"person": "990121"}).context["table"].rows


def test_the_list_the_page_and_the_print_are_masked(world, client_as):
    person = make_person(world)
    client = client_as("clerk_a")
    for url in ("/persons/", f"/persons/{person.pk}/", f"/persons/{person.pk}/print/"):
        page = client.get(url).content.decode()
        assert not [raw for raw in RAW if raw in page], url
    page = client.get(f"/persons/{person.pk}/").content.decode()
    assert all(masked in page for masked in MASKED)
    assert ">张**<" in client.get("/persons/").content.decode()
    assert not AccessLog.objects.exists()


def test_the_history_shows_an_edit_of_personal_data_masked(world, client_as):
    person = make_person(world)
    services.key_person_update(
        actor=world.users["clerk_a"], obj=person, data={"phone": "13800001111", "address": "甲镇甲一村5组1号"}
    )
    page = client_as("clerk_a").get(f"/persons/{person.pk}/").content.decode()
    assert "138****1111" in page and "139****5678" in page  # old → new, both masked
    assert "13800001111" not in page and "13912345678" not in page and "5组1号" not in page
    revealed = client_as("clerk_a").post(f"/persons/{person.pk}/").content.decode()
    assert "13800001111" in revealed and "13912345678" in revealed  # the trail in full after the reveal


@pytest.mark.parametrize("role", ["clerk_a", "county", "grid_a"])
def test_a_reveal_shows_everything_and_is_logged(world, client_as, role):
    person = make_person(world)
    revealed = client_as(role).post(f"/persons/{person.pk}/").content.decode()
    assert all(raw in revealed for raw in RAW)
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_label, log.object_id) == (
        world.users[role],
        AccessLog.Action.REVEAL,
        "persons.keyperson",
        str(person.pk),
    )
    assert set(log.fields.split(",")) == {"name", "id_number", "phone", "address"}


def test_a_grid_worker_who_does_not_keep_the_person_cannot_reveal(world, client_as):
    person = make_person(world, keeper=None)
    assert client_as("grid_a").post(f"/persons/{person.pk}/").status_code == 404  # not even visible
    assert client_as("dept_edu").post(f"/persons/{person.pk}/").status_code == 404
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("role", ["clerk_a", "county", "admin"])
def test_the_export_is_masked_for_every_role_and_logs_no_reveal(world, client_as, role):
    make_person(world)
    response = client_as(role).get("/persons/", {"export": "xlsx"})
    assert response.status_code == 200
    text = _sheet_text(response)
    assert not [raw for raw in RAW if raw in text]
    assert all(masked in text for masked in MASKED)
    assert not AccessLog.objects.filter(action=AccessLog.Action.REVEAL).exists()


def test_the_edit_form_keeps_personal_data_it_does_not_show(world, client_as):
    person = make_person(world)
    client = client_as("clerk_a")
    form_page = client.get(f"/persons/{person.pk}/edit/").content.decode()
    assert ID_A not in form_page and "13912345678" not in form_page and "张建国" not in form_page
    response = client.post(
        f"/persons/{person.pk}/edit/",
        {
            "village": world.village_a.pk,
            "registered_on": "2026-01-10",
            "name": "",
            "id_number": "",
            "phone": "",
            "address": "",
            "category": "社区矫正",
            "risk_level": "中",
            "grid_worker": "grid_a",
            "visit_every_days": "15",
            "version": person.version,
        },
    )
    assert response.status_code == 302
    fresh = KeyPerson.objects.get(pk=person.pk)
    assert (fresh.name, fresh.id_number, fresh.phone, fresh.address, fresh.risk_level) == (*RAW, "中")
