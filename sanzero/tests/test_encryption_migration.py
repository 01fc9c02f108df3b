"""The migrations that first encrypt ID numbers and phones (petitions 0002, units 0003, places 0002):
forward they encrypt the plaintext in place (history tables too) and fill the search hashes;
backward they decrypt it again with the same key. Run on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sanzero import crypto

BEFORE = [("petitions", "0001_initial"), ("units", "0002_default_categories"), ("places", "0001_initial")]


def cells(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migrations_encrypt_existing_rows_and_migrating_back_decrypts_them(world):
    from petitions import services

    entry = services.petition_create(
        actor=world.users["clerk_a"],
        data={
            "subject": world.shop_a,
            "received_on": datetime.date(2026, 1, 30),
            "channel": "来访",
            "type": "申诉求决",
            "id_number": "11010519491231002X",
            "phone": "13812341234",
            "headcount": 1,
            "level_reached": "乡镇",
            "content": "要求公开村务账目",
        },
    )
    world.shop_a.phone = "13712345678"
    world.shop_a.save()

    MigrationExecutor(connection).migrate(BEFORE)  # backward: plaintext again, hash columns gone
    assert cells(f"SELECT id_number, phone FROM petitions_petition WHERE id = {entry.pk}") == [
        ("11010519491231002X", "13812341234")
    ]
    assert cells("SELECT id_number, phone FROM petitions_historicalpetition") == [("11010519491231002X", "13812341234")]
    assert ("13712345678",) in cells("SELECT phone FROM units_subject")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # forward: encrypted in place
    ((id_number, phone, id_hash, phone_hash),) = cells(
        f"SELECT id_number, phone, id_number_hash, phone_hash FROM petitions_petition WHERE id = {entry.pk}"
    )
    assert id_number.startswith(crypto.TOKEN_PREFIX) and phone.startswith(crypto.TOKEN_PREFIX)
    assert crypto.decrypt(id_number) == "11010519491231002X" and crypto.decrypt(phone) == "13812341234"
    assert (id_hash, phone_hash) == (
        crypto.blind_index("id_number", "11010519491231002X"),
        crypto.blind_index("phone", "13812341234"),
    )
    ((hist_id, hist_phone),) = cells("SELECT id_number, phone FROM petitions_historicalpetition")
    assert crypto.decrypt(hist_id) == "11010519491231002X" and crypto.decrypt(hist_phone) == "13812341234"
    stored = {p for (p,) in cells("SELECT phone FROM units_subject") if p}
    assert "13712345678" not in stored and "13712345678" in {crypto.decrypt(p) for p in stored}
    assert cells(f"SELECT phone_hash FROM units_subject WHERE id = {world.shop_a.pk}") == [
        (crypto.blind_index("phone", "13712345678"),)
    ]
