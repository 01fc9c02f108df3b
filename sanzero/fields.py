"""Model fields for personal data at rest (sanzero.crypto, DESIGN §8).

``EncryptedCharField`` is a CharField in Python and in forms (its max_length is the plaintext's) and a
text column of Fernet ciphertext in the database; django-simple-history copies the field, so the
history table holds ciphertext too. ``BlindIndexField`` beside it holds the keyed hash of the
normalised value, computed on every save; search and de-duplication filter on it. ``PersonalDataModel``
keeps the two together when a service saves with ``update_fields``.

An encrypted column cannot be searched by value: any lookup but ``isnull`` and an exact match on the
empty value is refused with a FieldError that names the hash field to use instead.
"""

from __future__ import annotations

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from . import crypto


class EncryptedExact(Exact):
    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.field.model.__name__}.{self.lhs.field.name} 加密存储，不能按值查询："
                f"请用 {self.lhs.field.name}_hash（sanzero.crypto.blind_index）。"
            )
        return super().get_prep_lookup()


class EncryptedCharField(models.CharField):
    """Fernet ciphertext in a text column; `kind` names the normaliser of its hash ("id_number", "phone")."""

    description = "加密存储的个人信息"

    def __init__(self, *args, kind: str, **kwargs):
        if kind not in crypto.NORMALISERS:
            raise ValueError(f"EncryptedCharField: unknown kind {kind!r}")
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def get_internal_type(self):
        return "TextField"  # ciphertext is ~4× the plaintext: no varchar(max_length) column

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return IsNull
        return None  # icontains, startswith, in...: FieldError "Unsupported lookup"

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return crypto.decrypt(value, where=f"{self.model._meta.db_table}.{self.column}")

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        return crypto.encrypt(value)


class BlindIndexField(models.CharField):
    """HMAC-SHA256 of `source`'s normalised value, refreshed on every save (never edited by hand)."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, value in (("max_length", 64), ("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        if kwargs.get("db_index") is True:
            kwargs.pop("db_index")
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        source = model_instance._meta.get_field(self.source)
        value = crypto.blind_index(source.kind, getattr(model_instance, source.attname) or "")
        setattr(model_instance, self.attname, value)
        return value


def blind_index_fields(model) -> dict[str, str]:
    """{encrypted field name: its hash field name} for `model`."""
    return {f.source: f.name for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)}


class PersonalDataModel:
    """Mixed in before models.Model: a save that writes an encrypted field writes its hash too."""

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            pairs = blind_index_fields(type(self))
            extra = {pairs[name] for name in update_fields if name in pairs}
            if extra:
                kwargs["update_fields"] = {*update_fields, *extra}
        return super().save(*args, **kwargs)


def search_hash_q(kind_fields: dict[str, str], text: str) -> models.Q | None:
    """A Q matching `text` exactly against the hash columns (`{hash field: kind}`), or None when the
    text normalises to nothing."""
    q = None
    for hash_field, kind in kind_fields.items():
        digest = crypto.blind_index(kind, text)
        if digest:
            part = models.Q(**{hash_field: digest})
            q = part if q is None else q | part
    return q
