"""Creating and editing ledger entries (never their status: that is ledger.workflow.transition_run)."""

from __future__ import annotations

import copy

from django.core.exceptions import PermissionDenied
from django.db import transaction

from sanzero.roles import PERMISSIONS
from sanzero.services import ServiceError, audited_save, full_clean, model_update
from sanzero.signals import subject_days_changed

from .models import LedgerEntry
from .workflow import require_role, transition_apply


def _check_subject(actor, model, subject) -> None:
    from units.models import Subject

    require_role(actor, _roles(model, "add"), "您的角色不能登记此类台账。")
    if not Subject.objects.for_user(actor, "view").filter(pk=subject.pk).exists():
        raise PermissionDenied("所选创建主体不在您的管辖范围内。")


def _check_period(obj: LedgerEntry) -> None:
    """An entry belongs to its subject when its own date lies in the subject's active period
    (DESIGN §5), not when the subject is active today: back-entered history is valid."""
    day = obj.entry_date
    if day is None or obj.subject_id is None:
        return
    label = str(type(obj)._meta.get_field(obj.DATE_FIELD).verbose_name)
    error = obj.subject.period_error(day, label)
    if error:
        raise ServiceError(error)


def _roles(model, action: str) -> frozenset[str]:
    return PERMISSIONS.get(model._meta.label_lower, {}).get(action, frozenset())


def entry_create(*, actor, model, data: dict, rules=None, reason: str = "", steps=()) -> LedgerEntry:
    """Create a ledger entry for a subject in the actor's scope, with its deadline and audit row.

    ``steps`` — (transition, data) pairs — take the new entry along its workflow before the first
    save (an imported 已化解 dispute: 调解中 → 已化解), each by the ledger's own rule
    (ledger.workflow.transition_apply); one row and one audit entry are written."""
    _check_subject(actor, model, data["subject"])
    with transaction.atomic():
        obj = model(**data)
        _check_period(obj)
        obj.created_by = actor if getattr(actor, "is_authenticated", False) else None
        if rules is not None:
            obj.due_on = obj.compute_due_on(rules)
        first = obj.get_status_display() if steps else ""
        for transition, step_data in steps:
            transition_apply(obj, transition, step_data, actor=actor, rules=rules)
        full_clean(obj)
        if not reason:
            reason = f"登记{model._meta.verbose_name}"
            if steps:
                reason += f"（{first} → {obj.get_status_display()}）"
        audited_save(obj, actor=actor, reason=reason)
        subject_days_changed.send(sender=model, changes=[(obj.subject_id, obj.entry_date)])
    return obj


def entry_update(*, actor, obj: LedgerEntry, data: dict, fields, expected_version=None, rules=None) -> list[str]:
    """Edit the plain fields of an entry (never its status: that is a transition)."""
    model = type(obj)
    if not model.objects.for_user(actor, "change").filter(pk=obj.pk).exists():
        raise PermissionDenied("您没有权限修改该记录。")
    if "subject" in data and data["subject"] != obj.subject:
        _check_subject(actor, model, data["subject"])
    fields = [f for f in fields if f != "status"]
    date_field = model.DATE_FIELD
    if ("subject" in data and data["subject"] != obj.subject) or (
        date_field in data and data[date_field] != getattr(obj, date_field)
    ):
        probe = copy.copy(obj)
        for name in ("subject", date_field):
            if name in data:
                setattr(probe, name, data[name])
        _check_period(probe)
    before = (obj.subject_id, obj.entry_date)
    with transaction.atomic():
        if rules is not None:
            probe = model(**{f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields})
            for name in fields:
                if name in data:
                    setattr(probe, name, data[name])
            data = {**data, "due_on": probe.compute_due_on(rules)}
            fields = [*fields, "due_on"]
        changed = model_update(
            instance=obj,
            data=data,
            fields=fields,
            actor=actor,
            expected_version=expected_version,
            reason=f"修改{model._meta.verbose_name}",
        )
        if changed:
            subject_days_changed.send(sender=model, changes=[before, (obj.subject_id, obj.entry_date)])
        return changed
