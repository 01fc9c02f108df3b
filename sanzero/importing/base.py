"""The base of every Excel import sheet (DESIGN §7): natural keys, row plans, row errors, the registry.

Each app declares its own sheets in its imports.py and registers them from its AppConfig.ready()
(units: regions, subjects; each ledger app its ledger; dashboards: targets; the kernel: holidays), so
the engine knows no app. Every kind turns one parsed row (see :func:`sanzero.xlsx.read_rows`) into a :class:`RowPlan`:
the natural key, whether the row is new, changed or unchanged, and the data the app's service will
be called with. Rows are validated by the web forms themselves (``SubjectForm``, ``DisputeForm``…)
and, for status dates, by the workflow step forms (``ResolveForm``, ``RectifyForm``…), so a value
the web refuses is refused here with the same message. Writes go through the apps' services with
the acting user, so every imported row leaves an audit entry.

A kind never writes while planning: :mod:`sanzero.importing.engine` plans every row first, and
writes only when the whole file is clean.

Blank cells: in a text or date column a blank cell means “empty”; in a column with a default
(来源, 风险等级, 人数…) it means “the default” for a new row and “unchanged” for an existing one.
A column missing from the file leaves that field of existing rows alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from sanzero.roles import Role, role_may
from sanzero.scoping import user_scope
from sanzero.xlsx import RowError, SheetSpec

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
CHUNK = 900  # ids per IN (...) clause: well inside every database's parameter limit
IMPORT_REASON = "Excel导入"
KEY_TEXT_LIMIT = 64  # longer key texts (诉求内容, 简要情况…) are compared by a digest

BLANK_NOTE = (
    "留空的格：文本和日期列表示“无”（已有记录的该项会被清空）；有默认值的列（来源、风险等级、人数等）"
    "新记录取默认值，已有记录保持不变。表中没有的列不影响已有记录的该项。"
)


class RowInvalid(Exception):
    """One row cannot be imported; ``errors`` say why. ``out_of_scope`` marks rows outside the
    actor's scope, which refuse the whole file with a message naming them."""

    def __init__(self, *errors: RowError, out_of_scope: bool = False):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = list(errors)
        self.out_of_scope = out_of_scope


@dataclass
class RowPlan:
    row: int
    key: tuple
    action: str  # NEW, CHANGED or UNCHANGED
    instance: Any = None
    data: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    warnings: list[RowError] = field(default_factory=list)


# -- small helpers ----------------------------------------------------------------------------------


def chunked(values: Iterable, size: int = CHUNK) -> Iterable[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def fetch_in(queryset, lookup: str, values: Iterable) -> list:
    """``queryset.filter(<lookup>__in=values)`` in chunks; returns a list."""
    found: list = []
    for part in chunked(set(values)):
        found.extend(queryset.filter(**{f"{lookup}__in": part}))
    return found


def values_in(queryset, lookup: str, values: Iterable, column: str = "pk") -> set:
    found: set = set()
    for part in chunked(set(values)):
        found.update(queryset.filter(**{f"{lookup}__in": part}).values_list(column, flat=True))
    return found


def norm_text(value: Any) -> str:
    """Text as compared in a natural key: stripped, runs of whitespace as one space."""
    return " ".join(str(value or "").split())


def key_text(value: Any) -> str:
    text = norm_text(value)
    if len(text) > KEY_TEXT_LIMIT:
        return "sha1:" + hashlib.sha1(text.encode("utf-8")).hexdigest()
    return text


def same_value(instance: models.Model, name: str, value: Any) -> bool:
    """Whether ``instance.<name>`` already equals ``value`` (foreign keys by id: no query)."""
    model_field = instance._meta.get_field(name)
    current = getattr(instance, model_field.attname)
    if isinstance(model_field, models.ForeignKey):
        return current == (value.pk if isinstance(value, models.Model) else value)
    if isinstance(current, Decimal) or isinstance(value, Decimal):
        try:
            return Decimal(current) == Decimal(value)
        except Exception:  # noqa: BLE001 - a None against a number simply differs
            return False
    return current == value


def changed_fields(instance: models.Model, data: dict, names: Iterable[str]) -> list[str]:
    return [n for n in names if n in data and not same_value(instance, n, data[n])]


class ChoiceCache:
    """Makes the web forms' model choice fields check against querysets evaluated once per import.

    A form's ``ModelChoiceField`` runs one query per row to check the chosen object is in its
    queryset (the user's scope, active subjects…). Here each field's queryset, as the form built it,
    is evaluated once (``restrict`` narrows it to the ids the file mentions) and later rows are
    checked against that map; the rule is the form's own, only the query is shared.
    """

    def __init__(self, restrict: dict[str, set] | None = None):
        self.restrict = restrict or {}
        self._maps: dict[tuple, dict[str, Any]] = {}

    def bind(self, form: forms.BaseForm) -> forms.BaseForm:
        instance = getattr(form, "instance", None)
        has_instance = bool(getattr(instance, "pk", None))
        for name, form_field in form.fields.items():
            if isinstance(form_field, forms.ModelMultipleChoiceField) or not isinstance(
                form_field, forms.ModelChoiceField
            ):
                continue
            key = (type(form), name, has_instance)
            mapping = self._maps.get(key)
            if mapping is None:
                attr = form_field.to_field_name or "pk"
                queryset = form_field.queryset
                if name in self.restrict:
                    objects = fetch_in(queryset, attr, self.restrict[name])
                else:
                    objects = list(queryset)
                mapping = {str(getattr(obj, attr)): obj for obj in objects}
                self._maps[key] = mapping
            form_field.to_python = _cached_to_python(form_field, mapping)
        return form


_IMPORT_FORMS: dict[type, type] = {}


def import_form(form_class: type) -> type:
    """The web form for one row of an import: the same fields, clean methods and model field
    validation, minus two per-row database round trips the import does for all rows at once.

    - a model choice field's object is not looked up again by the model's ForeignKey.validate
      (the form field already checked it against its queryset, see :class:`ChoiceCache`);
    - uniqueness is the natural key's business (an existing row is updated, duplicates in the file
      are refused), and the service's full_clean checks the database constraints again on write.
    """
    cls = _IMPORT_FORMS.get(form_class)
    if cls is None:

        class ImportForm(form_class):
            def _get_validation_exclusions(self):
                exclude = super()._get_validation_exclusions()
                exclude.update(n for n, f in self.fields.items() if isinstance(f, forms.ModelChoiceField))
                return exclude

            def validate_unique(self):
                return None

            def _post_clean(self):
                # ModelForm validates the model's constraints in the database (one query each);
                # see the docstring: the import checks them for the file, the service on write.
                self.instance.validate_constraints = _no_constraints
                try:
                    super()._post_clean()
                finally:
                    del self.instance.validate_constraints

        ImportForm.__name__ = ImportForm.__qualname__ = f"Import{form_class.__name__}"
        cls = _IMPORT_FORMS[form_class] = ImportForm
    return cls


def _no_constraints(exclude=None, using=None):
    return None


def _cached_to_python(form_field: forms.ModelChoiceField, mapping: dict[str, Any]) -> Callable:
    def to_python(value):
        if value in form_field.empty_values:
            return None
        if isinstance(value, models.Model):
            value = getattr(value, form_field.to_field_name or "pk")
        obj = mapping.get(str(value))
        if obj is None:
            raise ValidationError(
                form_field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return obj

    return to_python


def form_errors(form: forms.BaseForm, row: int, headers: dict[str, str]) -> list[RowError]:
    """The form's errors as row errors: a field's column header (or its label), then the message."""
    out = []
    order = {name: i for i, name in enumerate(form.fields)}  # the form's own field order, whatever raised first
    for name, messages in sorted(form.errors.items(), key=lambda item: order.get(item[0], len(order))):
        if name == "__all__":
            header = headers.get("__all__")
        elif name in headers:
            header = headers[name]
        else:
            header = str(form.fields[name].label) if name in form.fields else None
        for message in messages:
            out.append(RowError(row, header, str(message)))
    return out


def validation_errors(exc: ValidationError, row: int, headers: dict[str, str]) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        out = []
        for name, errors in exc.error_dict.items():
            header = headers.get(name) if name != "__all__" else headers.get("__all__")
            for error in errors:
                out.extend(RowError(row, header, str(m)) for m in error.messages)
        return out
    return [RowError(row, headers.get("__all__"), str(m)) for m in exc.messages]


# -- the kinds --------------------------------------------------------------------------------------


class ImportKind:
    """One importable sheet. Subclasses fill in the spec, the planning and the write."""

    name = ""
    label = ""
    #: the position in lists and templates (DESIGN §7's order: regions 10 … targets 80, holidays 90)
    position = 100
    #: model label whose "add" permission decides who may import (None: see ``roles``)
    permission_label: str | None = None
    roles: frozenset[str] = frozenset()
    #: the natural key, as the template's 说明 sheet and the import page explain it
    key_description = ""
    #: where a duplicate row is reported
    duplicate_header = ""
    notes: tuple[str, ...] = ()

    def allowed(self, user) -> bool:
        scope = user_scope(user)
        if scope.role is None or scope.empty:
            return False
        if scope.role == Role.ADMIN:
            return True
        if self.permission_label:
            return role_may(scope.role, self.permission_label, "add")
        return scope.role in self.roles

    def spec(self) -> SheetSpec:
        raise NotImplementedError

    def template_notes(self) -> list[str]:
        return [
            f"同一{self.key_description}的行视为同一条记录：系统中已有则更新，没有则新增；"
            "再次导入同一文件不会重复登记。",
            *self.notes,
        ]

    def prepare(self, *, actor, rows: Sequence[tuple[int, dict]]) -> Any:
        """Load everything the rows refer to in a few queries; returns the planning context."""
        raise NotImplementedError

    def plan(self, ctx, row: int, values: dict) -> RowPlan:
        raise NotImplementedError

    def write(self, ctx, plan: RowPlan) -> None:
        raise NotImplementedError

    def headers(self) -> dict[str, str]:
        """Field name → column header, for error messages (cached: headers never change)."""
        cached = self.__dict__.get("_headers")
        if cached is None:
            cached = {c.key: c.header for c in self.spec().columns}
            self.__dict__["_headers"] = cached
        return cached

    def order(self, plans: list[RowPlan]) -> list[RowPlan]:
        """The order rows are written in (file order unless a kind needs another)."""
        return plans


# -- the registry -----------------------------------------------------------------------------------

KINDS: dict[str, ImportKind] = {}


def register_kind(kind: ImportKind) -> None:
    """An app adds its sheet from its AppConfig.ready(); the kinds are kept in ``order`` (DESIGN §7's)."""
    KINDS[kind.name] = kind
    ordered = sorted(KINDS.values(), key=lambda k: k.position)
    KINDS.clear()
    KINDS.update((k.name, k) for k in ordered)


def kind_names() -> tuple[str, ...]:
    return tuple(KINDS)


def get_kind(name: str) -> ImportKind:
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"未知的导入类型“{name}”，可选：{', '.join(KINDS)}") from None


def kinds_for(user) -> list[ImportKind]:
    """The kinds the user's role may import, in the handbook's order."""
    return [kind for kind in KINDS.values() if kind.allowed(user)]
