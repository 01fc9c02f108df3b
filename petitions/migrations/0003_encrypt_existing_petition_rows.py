"""The data step of 0002_encrypt_id_number_and_phone: existing plaintext encrypted in place and the hashes filled, the
history table too. A migration of its own, so that on PostgreSQL the row updates and the ALTER TABLE
of the schema step never share a transaction (pending trigger events)."""

from django.db import migrations

from sanzero.crypto import EncryptedColumn, migration_operation


class Migration(migrations.Migration):
    dependencies = [("petitions", "0002_encrypt_id_number_and_phone")]

    operations = [
        # The data step: existing plaintext encrypted in place, hashes filled (the history tables too).
        # Reversible with the same SANZERO_DATA_KEY: migrating back decrypts it again.
        migration_operation(
            {
                "petitions_petition": [
                    EncryptedColumn("id_number", "id_number", "id_number_hash"),
                    EncryptedColumn("phone", "phone", "phone_hash"),
                ],
                "petitions_historicalpetition": [
                    EncryptedColumn("id_number", "id_number", None),
                    EncryptedColumn("phone", "phone", None),
                ],
            }
        ),
    ]
