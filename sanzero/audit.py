"""Reading the audit trail (django-simple-history) for an object's page: who, when, old → new."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

ACTION_LABELS = {"+": "新建", "~": "修改", "-": "删除"}
#: what an old or new value that was empty reads as
EMPTY_TEXT = "（空）"


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class AuditEntry:
    when: object
    who: str
    action: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(model, field_name: str, value, fk_names: dict) -> str:
    if value in (None, ""):
        return EMPTY_TEXT
    f = model._meta.get_field(field_name)
    if isinstance(f, models.ForeignKey):
        return fk_names.get((field_name, value), str(value))
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def audit_trail(obj: models.Model, limit: int = 50) -> list[AuditEntry]:
    """Newest first; at most `limit` entries; three queries whatever the length."""
    model = type(obj)
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    tracked = [f.name for f in obj.history.model.tracked_fields if f.name not in {"version"}]
    fk_fields = [n for n in tracked if isinstance(model._meta.get_field(n), models.ForeignKey)]
    fk_ids: dict[str, set] = {n: set() for n in fk_fields}
    for rec in records:
        for n in fk_fields:
            value = getattr(rec, f"{model._meta.get_field(n).attname}")
            if value is not None:
                fk_ids[n].add(value)
    fk_names = {}
    for n, ids in fk_ids.items():
        if ids:
            related = model._meta.get_field(n).related_model
            for pk, label in ((r.pk, str(r)) for r in related._default_manager.filter(pk__in=ids)):
                fk_names[(n, pk)] = label
    entries = []
    for i, rec in enumerate(records[:limit]):
        older = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if rec.history_type == "~" and older is not None:
            for n in tracked:
                attname = model._meta.get_field(n).attname
                old, new = getattr(older, attname), getattr(rec, attname)
                if old != new:
                    changes.append(
                        FieldChange(
                            str(model._meta.get_field(n).verbose_name),
                            _display(model, n, old, fk_names),
                            _display(model, n, new, fk_names),
                        )
                    )
        who = rec.history_user.display_name if rec.history_user else "系统"
        entries.append(
            AuditEntry(
                rec.history_date,
                who,
                ACTION_LABELS.get(rec.history_type, rec.history_type),
                rec.history_change_reason or "",
                changes,
            )
        )
    return entries
