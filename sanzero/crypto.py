"""Personal data at rest (DESIGN §8): ID numbers and phones are stored encrypted, with a keyed hash
beside each for exact-match search and de-duplication.

- Encryption: Fernet (AES-128-CBC + HMAC-SHA256, from the `cryptography` package) through MultiFernet,
  keys from ``SANZERO_DATA_KEY`` (comma-separated, newest first): new values are encrypted with the
  first key; a value written under any listed key still decrypts, so a key is rotated by putting a new
  one in front and running ``manage.py rotate_data_key`` (which re-encrypts every row, history
  included); afterwards the old key can be dropped.
- Search: HMAC-SHA256 with a separate key (``SANZERO_HASH_KEY``) of the *normalised* value, with the
  kind ("id_number", "phone") mixed in so an ID number and a phone never share a hash. A list's
  search and an import's duplicate check compare hashes, never ciphertext.
- With neither variable set (the embedded default and the tests) fixed development keys derived
  from a constant are used; ``manage.py check --deploy`` refuses them (sanzero.E020).

A value that no listed key decrypts raises DataKeyError with the table and column it came from:
never garbage, never an empty string passed off as the value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .validators import normalize_phone

#: Fernet tokens are urlsafe base64 of a 0x80 version byte: they begin with this
TOKEN_PREFIX = "gAAAAA"
DEV_SEED = "sanzero-development-key-not-for-production"


class DataKeyError(RuntimeError):
    """A stored value that none of SANZERO_DATA_KEY's keys decrypts (a wrong or missing key)."""


def dev_data_key() -> str:
    """The fixed development key: reproducible, so the embedded default and the tests need no setup."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"{DEV_SEED}:data".encode()).digest()).decode()


def dev_hash_key() -> str:
    return hashlib.sha256(f"{DEV_SEED}:hash".encode()).hexdigest()


def generate_data_key() -> str:
    return Fernet.generate_key().decode()


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("SANZERO_DATA_KEY 为空：至少需要一个数据密钥。")
    try:
        return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "SANZERO_DATA_KEY 中有无效的密钥：每个密钥应为 32 字节的 urlsafe base64 文本"
            "（用 manage.py rotate_data_key --generate 生成），多个密钥以英文逗号分隔、新密钥在前。"
        ) from exc


def data_keys() -> tuple[str, ...]:
    return tuple(settings.SANZERO_DATA_KEYS)


def hash_key() -> bytes:
    return settings.SANZERO_HASH_KEY.encode()


def is_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def encrypt(value: str) -> str:
    """Ciphertext of `value` under the newest key; the empty value stays empty (nothing to protect,
    and ``filter(phone="")`` keeps working)."""
    if value in (None, ""):
        return value
    return _fernet(data_keys()).encrypt(str(value).encode()).decode()


def decrypt(token: str, *, where: str = "") -> str:
    if token in (None, ""):
        return token
    try:
        return _fernet(data_keys()).decrypt(token.encode()).decode()
    except InvalidToken:
        place = f"{where}：" if where else ""
        raise DataKeyError(
            f"{place}无法解密已存储的个人信息：当前 SANZERO_DATA_KEY 中没有加密它的密钥"
            "（密钥错误或轮换时删去了旧密钥）。请恢复正确的密钥后重试。"
        ) from None


# --- keyed hash ---------------------------------------------------------------------------------
def normalize_id_number(value: str) -> str:
    return "".join((value or "").split()).upper()


NORMALISERS: dict[str, Callable[[str], str]] = {
    "id_number": normalize_id_number,
    "phone": normalize_phone,
}


def blind_index(kind: str, value: str) -> str:
    """HMAC-SHA256 (hex) of the normalised value; "" for an empty value."""
    normalised = NORMALISERS[kind](value or "")
    if not normalised:
        return ""
    return hmac.new(hash_key(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


# --- the encrypted columns, for the data migration and rotate_data_key -----------------------------
@dataclass(frozen=True)
class EncryptedColumn:
    column: str
    kind: str
    hash_column: str | None  # None in a history table (it keeps ciphertext, no search hash)


def reencrypt_table(
    connection, table: str, columns: Iterable[EncryptedColumn], *, allow_plaintext=False, batch=1000
) -> int:
    """Write every non-empty value of `columns` in `table` under the newest key and refresh its hash.

    ``allow_plaintext`` is for the migration that first encrypts a table: a value that is not a token
    is taken as the plaintext. Returns the number of rows rewritten. Raw SQL on purpose: the same code
    serves frozen migration models, history tables and the live models."""
    columns = list(columns)
    qn = connection.ops.quote_name
    cols = ", ".join(qn(c.column) for c in columns)
    sets = [f"{qn(c.column)} = %s" for c in columns]
    sets += [f"{qn(c.hash_column)} = %s" for c in columns if c.hash_column]
    where = " OR ".join(f"{qn(c.column)} <> ''" for c in columns)
    pk = qn(_pk_column(connection, table))
    update = f"UPDATE {qn(table)} SET {', '.join(sets)} WHERE {pk} = %s"
    done = 0
    last = None
    with connection.cursor() as cursor:
        while True:
            after = "" if last is None else f" AND {pk} > %s"
            cursor.execute(
                f"SELECT {pk}, {cols} FROM {qn(table)} WHERE ({where}){after} ORDER BY {pk} LIMIT {int(batch)}",
                [] if last is None else [last],
            )
            rows = cursor.fetchall()
            if not rows:
                return done
            params = []
            for row in rows:
                values, hashes = [], []
                for spec, raw in zip(columns, row[1:], strict=True):
                    raw = raw or ""
                    if not raw:
                        plain, token = "", ""
                    elif is_token(raw):
                        plain = decrypt(raw, where=f"{table}.{spec.column}")
                        token = encrypt(plain)  # under the newest key, decrypted once
                    elif allow_plaintext:
                        plain, token = raw, encrypt(raw)
                    else:
                        raise DataKeyError(f"{table}.{spec.column}：存有未加密的值，请先运行数据库迁移（migrate）。")
                    values.append(token)
                    if spec.hash_column:
                        hashes.append(blind_index(spec.kind, plain))
                params.append([*values, *hashes, row[0]])
            cursor.executemany(update, params)
            done += len(rows)
            last = rows[-1][0]


def decrypt_table(connection, table: str, columns: Iterable[EncryptedColumn]) -> int:
    """The reverse of the first encryption (a migration rolled back): plaintext back in place."""
    columns = list(columns)
    qn = connection.ops.quote_name
    pk = qn(_pk_column(connection, table))
    done = 0
    with connection.cursor() as cursor:
        for spec in columns:
            col = qn(spec.column)
            cursor.execute(f"SELECT {pk}, {col} FROM {qn(table)} WHERE {col} <> ''")
            rows = [(decrypt(raw, where=f"{table}.{spec.column}"), pk_value) for pk_value, raw in cursor.fetchall()]
            cursor.executemany(f"UPDATE {qn(table)} SET {col} = %s WHERE {pk} = %s", rows)
            done += len(rows)
    return done


def _pk_column(connection, table: str) -> str:
    """`id` for a model table, `history_id` for a django-simple-history table."""
    with connection.cursor() as cursor:
        names = {c.name for c in connection.introspection.get_table_description(cursor, table)}
    return "history_id" if "history_id" in names else "id"


def migration_operation(tables: dict[str, list[EncryptedColumn]]):
    """The RunPython step of a migration that first encrypts `tables` ({db_table: columns}): forward
    encrypts the plaintext in place and fills the hashes; backward decrypts it again (with the same key)."""
    from django.db import migrations

    def forward(apps, schema_editor):
        for table, columns in tables.items():
            reencrypt_table(schema_editor.connection, table, columns, allow_plaintext=True)

    def backward(apps, schema_editor):
        for table, columns in tables.items():
            decrypt_table(schema_editor.connection, table, columns)

    return migrations.RunPython(forward, backward, elidable=False)


def encrypted_tables() -> dict[str, list[EncryptedColumn]]:
    """Every table with encrypted columns, live models and their history tables: {db_table: columns}."""
    from django.apps import apps

    from .fields import BlindIndexField, EncryptedCharField

    tables: dict[str, list[EncryptedColumn]] = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        hashes = {f.source: f.column for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)}
        columns = [
            EncryptedColumn(f.column, f.kind, hashes.get(f.name))
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedCharField)
        ]
        if columns:
            tables[model._meta.db_table] = columns
    return dict(sorted(tables.items()))


def rotate_all(connection, *, batch: int = 1000) -> dict[str, int]:
    """rotate_data_key: every encrypted value under the newest key, every hash under the current hash
    key. The caller holds the transaction (all tables or none)."""
    return {
        table: reencrypt_table(connection, table, columns, batch=batch) for table, columns in encrypted_tables().items()
    }
