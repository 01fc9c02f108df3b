"""Personal data at rest (issue 13 point 3, DESIGN §8): ID numbers and phones encrypted in the tables
and their history tables, searchable through the keyed hash, rotated by `rotate_data_key`, refused
loudly under a wrong key, masked in the admin and on the subject's page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ledger.testing import xlsx_of
from petitions import services as petition_services
from petitions.models import Petition
from places.models import KeyPlace
from sanzero import crypto
from sanzero.checks import check_data_keys
from sanzero.crypto import DataKeyError
from units.models import Subject

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"
PHONE = "13812341234"
OTHER_KEY = "QwaAzaS8optZL1nkqgfArAXsnHIAkS8gMm39GFmzrF8="


def petition(world, user="clerk_a", **data):
    return petition_services.petition_create(
        actor=world.users[user],
        data={
            "subject": world.shop_a,
            "received_on": datetime.date(2026, 1, 30),
            "channel": "来访",
            "type": "申诉求决",
            "petitioner_name": "张伟",
            "id_number": ID,
            "phone": PHONE,
            "headcount": 1,
            "level_reached": "乡镇",
            "content": "要求公开村务账目",
            **data,
        },
    )


def raw_rows(table: str, columns: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table}")
        return cursor.fetchall()


def plaintext_in(table: str, *values: str) -> list:
    """Every cell of `table` (all columns) that contains one of `values` as text."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return [cell for row in cursor.fetchall() for cell in row if any(v in str(cell) for v in values)]


# --- at rest ------------------------------------------------------------------------------------------
def test_the_raw_tables_and_their_history_hold_no_plaintext_id_number_or_phone(world, client_as):
    entry = petition(world)
    petition_services.petition_update(
        actor=world.users["clerk_a"], obj=entry, data={"phone": "13900001111"}, expected_version=entry.version
    )
    world.shop_a.phone = "13712345678"
    world.shop_a.save()
    place = KeyPlace.objects.create(
        subject=world.shop_a, registered_on=datetime.date(2026, 1, 5), name="网吧", category="其他", phone="13698765432"
    )

    for table in ("petitions_petition", "petitions_historicalpetition"):
        assert plaintext_in(table, ID, PHONE, "13900001111") == [], table
        for id_number, phone in raw_rows(table, "id_number, phone"):
            assert id_number.startswith(crypto.TOKEN_PREFIX) and phone.startswith(crypto.TOKEN_PREFIX)
    assert plaintext_in("units_subject", "13712345678") == []
    assert plaintext_in("units_historicalsubject", "13712345678") == []
    assert plaintext_in("places_keyplace", "13698765432") == []
    assert plaintext_in("places_historicalkeyplace", "13698765432") == []

    # the ORM reads the values back; the history keeps each version (decrypted on reading)
    entry.refresh_from_db()
    assert (entry.id_number, entry.phone) == (ID, "13900001111")
    assert [h.phone for h in entry.history.order_by("history_id")] == [PHONE, "13900001111"]
    assert Subject.objects.get(pk=world.shop_a.pk).phone == "13712345678"
    assert KeyPlace.objects.get(pk=place.pk).phone == "13698765432"
    # the hash column is a keyed hash of the normalised value, not the value
    assert entry.id_number_hash == crypto.blind_index("id_number", ID.lower()) != ""
    assert len(entry.id_number_hash) == 64 and ID not in entry.id_number_hash


def test_the_same_value_encrypts_differently_each_time_but_hashes_the_same(world):
    first, second = petition(world), petition(world, content="另一件事")
    stored = dict(raw_rows("petitions_petition", "id, id_number"))
    assert stored[first.pk] != stored[second.pk]
    assert first.id_number_hash == second.id_number_hash


def test_an_encrypted_column_cannot_be_searched_by_value_only_by_its_hash(world):
    petition(world)
    with pytest.raises(FieldError, match="id_number_hash"):
        Petition.objects.filter(id_number=ID).exists()
    with pytest.raises(FieldError):
        Petition.objects.filter(phone__icontains="1381").exists()
    assert Petition.objects.filter(id_number_hash=crypto.blind_index("id_number", ID)).count() == 1
    assert Petition.objects.exclude(phone="").count() == 1  # the empty value stays empty and comparable


# --- search -------------------------------------------------------------------------------------------
def test_the_petition_list_finds_an_exact_id_number_or_phone_through_the_hash(world, client_as):
    entry = petition(world)
    petition(world, id_number="", phone="", content="匿名")
    client = client_as("clerk_a")

    def found(text):
        response = client.get("/petitions/", {"person": text})
        assert response.status_code == 200
        return [row.record.pk for row in response.context["table"].page.object_list]

    assert found(ID) == [entry.pk]
    assert found(" 11010519491231002x ") == [entry.pk]  # normalised: spaces, lower-case x
    assert found(PHONE) == [entry.pk]
    assert found("+86 138 1234 1234") == [entry.pk]
    assert found("110105") == []  # exact match only: a hash reveals no prefix
    for hostile in ("\x00", "' OR 1=1 --", "%", "９" * 30, "<script>"):
        assert found(hostile) == []
    # another township's clerk finds nothing of township A
    assert list(client_as("clerk_b").get("/petitions/", {"person": ID}).context["table"].page.object_list) == []


def test_the_subject_list_finds_a_subject_by_its_full_phone(world, client_as):
    world.shop_a.phone = "0351-1234567"
    world.shop_a.save()
    response = client_as("clerk_a").get("/subjects/", {"q": "0351-1234567"})
    assert [r.record.pk for r in response.context["table"].page.object_list] == [world.shop_a.pk]
    # masked in the row (the search text itself is only echoed in the filter box and the links)
    rows = re.sub(r'(href|value)="[^"]*"', "", response.content.decode())
    assert "0351-1234567" not in rows and "********4567" in rows


def test_an_imported_petition_is_found_by_its_id_number_and_a_reimport_changes_nothing(world, client_as):
    from sanzero.importing.engine import import_file

    row = {
        "所属区划代码": "990121100200",
        "主体名称": "甲一村超市",
        "登记日期": "2026-03-02",
        "信访形式": "来信",
        "信访人": "李娜",
        "身份证号": "110105198001011238",
        "联系电话": "13612345678",
        "诉求内容": "反映噪声扰民",
    }
    data = xlsx_of([list(row), list(row.values())])
    first = import_file(actor=world.users["clerk_a"], kind="petitions", file=data, dry_run=False)
    assert first.ok and first.new == 1, first.errors
    again = import_file(actor=world.users["clerk_a"], kind="petitions", file=data, dry_run=False)
    assert again.ok and (again.new, again.changed, again.unchanged) == (0, 0, 1), again.errors

    entry = Petition.objects.get()
    assert entry.history.count() == 1
    assert plaintext_in("petitions_petition", "110105198001011238", "13612345678") == []
    listed = client_as("county").get("/petitions/", {"person": "110105198001011238"})
    assert [r.record.pk for r in listed.context["table"].page.object_list] == [entry.pk]


# --- keys ---------------------------------------------------------------------------------------------
def test_rotation_rewrites_every_ciphertext_and_keeps_every_row_readable(world, settings, capsys):
    entry = petition(world)
    world.shop_a.phone = PHONE
    world.shop_a.save()
    before = raw_rows("petitions_petition", "id_number, phone") + raw_rows("units_subject", "phone")
    history_before = raw_rows("petitions_historicalpetition", "id_number")
    old = settings.SANZERO_DATA_KEYS[0]

    settings.SANZERO_DATA_KEYS = [OTHER_KEY, old]  # a new key in front; the old still reads
    assert Petition.objects.get().id_number == ID
    call_command("rotate_data_key")
    assert "petitions_petition: 重新加密 1 行" in capsys.readouterr().out

    after = raw_rows("petitions_petition", "id_number, phone") + raw_rows("units_subject", "phone")
    assert all(x != y for b, a in zip(before, after, strict=True) for x, y in zip(b, a, strict=True) if x)
    assert raw_rows("petitions_historicalpetition", "id_number") != history_before

    settings.SANZERO_DATA_KEYS = [OTHER_KEY]  # the old key dropped: everything still reads
    entry = Petition.objects.get()
    assert (entry.id_number, entry.phone) == (ID, PHONE)
    assert entry.history.get().id_number == ID
    assert Subject.objects.get(pk=world.shop_a.pk).phone == PHONE
    assert entry.id_number_hash == crypto.blind_index("id_number", ID)  # search unaffected


def test_a_new_hash_key_is_applied_by_rotate_data_key(world, settings, client_as):
    entry = petition(world)
    settings.SANZERO_HASH_KEY = "another-hash-key-of-at-least-32-characters"
    assert list(client_as("clerk_a").get("/petitions/", {"person": ID}).context["table"].page.object_list) == []
    call_command("rotate_data_key")
    entry.refresh_from_db()
    assert entry.id_number_hash == crypto.blind_index("id_number", ID)
    assert len(client_as("clerk_a").get("/petitions/", {"person": ID}).context["table"].page.object_list) == 1


def test_a_wrong_key_is_a_clear_error_never_garbage(world, settings):
    petition(world)
    before = raw_rows("petitions_petition", "id_number")
    settings.SANZERO_DATA_KEYS = [OTHER_KEY]
    with pytest.raises(DataKeyError, match="petitions_petition.id_number.*无法解密.*SANZERO_DATA_KEY"):
        Petition.objects.get()
    with pytest.raises(CommandError, match="无法解密.*未改动任何数据"):
        call_command("rotate_data_key")
    assert raw_rows("petitions_petition", "id_number") == before


def test_a_malformed_key_is_refused_with_a_chinese_message(world, settings):
    settings.SANZERO_DATA_KEYS = ["not-a-key"]
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="无效的密钥"):
        crypto.encrypt("x")


def test_check_deploy_refuses_the_development_keys(settings):
    settings.SANZERO_DEV_KEYS = True
    assert [e.id for e in check_data_keys(None)] == ["sanzero.E020"]
    settings.SANZERO_DEV_KEYS = False
    settings.SANZERO_HASH_KEY = "short"
    assert [e.id for e in check_data_keys(None)] == ["sanzero.E021"]
    settings.SANZERO_HASH_KEY = "x" * 40
    assert check_data_keys(None) == []


def test_generate_prints_a_usable_key(capsys, settings):
    call_command("rotate_data_key", "--generate")
    key = capsys.readouterr().out.strip()
    settings.SANZERO_DATA_KEYS = [key]
    assert crypto.decrypt(crypto.encrypt("13812341234")) == "13812341234"


# --- masked where it is shown -------------------------------------------------------------------------
def test_the_admin_shows_personal_data_masked_and_never_in_clear(world, client_as):
    entry = petition(world)
    world.shop_a.phone = "13712345678"
    world.shop_a.save()
    admin = client_as("admin")
    page = admin.get(f"/admin/petitions/petition/{entry.pk}/change/").content.decode()
    assert ID not in page and PHONE not in page
    assert "110105********002X" in page and "138****1234" in page
    subject_page = admin.get(f"/admin/units/subject/{world.shop_a.pk}/change/").content.decode()
    assert "13712345678" not in subject_page and "137****5678" in subject_page
    history = admin.get(f"/admin/petitions/petition/{entry.pk}/history/").content.decode()
    assert ID not in history and PHONE not in history


def test_the_petition_history_on_its_page_is_masked_until_the_logged_reveal(world, client_as):
    entry = petition(world)
    petition_services.petition_update(
        actor=world.users["clerk_a"], obj=entry, data={"phone": "13900001111"}, expected_version=entry.version
    )
    client = client_as("clerk_a")
    page = client.get(f"/petitions/{entry.pk}/").content.decode()
    assert "13900001111" not in page and PHONE not in page
    assert "138****1234" in page and "139****1111" in page
    revealed = client.post(f"/petitions/{entry.pk}/").content.decode()
    assert "13900001111" in revealed and PHONE in revealed


def test_the_subject_page_masks_the_phone_until_a_logged_reveal(world, client_as):
    from sanzero.models import AccessLog

    world.shop_a.phone = "13712345678"
    world.shop_a.save()
    url = f"/subjects/{world.shop_a.pk}/"
    page = client_as("clerk_a").get(url).content.decode()
    assert "13712345678" not in page and "137****5678" in page and "显示完整个人信息" in page
    assert "显示完整个人信息" not in client_as("grid_a").get(url).content.decode()
    assert client_as("grid_a").post(url).status_code == 403
    assert client_as("clerk_b").post(url).status_code == 404
    assert not AccessLog.objects.exists()
    revealed = client_as("clerk_a").post(url).content.decode()
    assert "13712345678" in revealed
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_label, log.object_id, log.fields) == (
        world.users["clerk_a"],
        "reveal",
        "units.subject",
        str(world.shop_a.pk),
        "phone",
    )


def test_the_subject_edit_form_shows_the_phone_masked_and_an_empty_box_keeps_it(world, client_as):
    from units.tests.helpers import edit_post

    world.shop_a.phone = "13712345678"
    world.shop_a.save()
    client = client_as("clerk_a")
    form = client.get(f"/subjects/{world.shop_a.pk}/edit/").content.decode()
    assert "13712345678" not in form and 'placeholder="137****5678"' in form
    subject = Subject.objects.get(pk=world.shop_a.pk)
    response = client.post(f"/subjects/{subject.pk}/edit/", edit_post(subject, phone="", address="新地址"))
    assert response.status_code == 302
    subject.refresh_from_db()
    assert (subject.phone, subject.address) == ("13712345678", "新地址")
