"""Creating and editing ledger entries (never their status: that is ledger.workflow.transition_run),
and adding or deleting their attachments."""

from __future__ import annotations

import copy

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from sanzero.roles import PERMISSIONS
from sanzero.services import ServiceError, audited_save, full_clean, model_update
from sanzero.signals import subject_days_changed

from .models import Attachment, AttachmentKind, LedgerEntry
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


# --- attachments ----------------------------------------------------------------------------------


def _locked_changeable(actor, entry: LedgerEntry, message: str) -> LedgerEntry:
    """The entry's row, locked, if the actor may change it (scope and role); else PermissionDenied."""
    locked = type(entry).objects.for_user(actor, "change").select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        raise PermissionDenied(message)
    return locked


def attachment_add(*, actor, entry: LedgerEntry, upload, kind: str = "") -> Attachment:
    """Attach an uploaded file to a ledger entry the actor may change.

    The file is checked by its content (ledger.attachments.inspect_upload: type, size, an image that
    decodes), the entry's limit of live attachments is checked on its locked row (two uploads at once
    cannot pass it together), the file is stored under a random name in the default storage with a
    thumbnail for an image, and the upload is audited (the attachment's history, shown in the entry's
    办理过程). A refused upload stores nothing."""
    from django.conf import settings

    from .attachments import inspect_upload, thumbnail_of

    model = type(entry)
    kinds = model.ATTACHMENT_KINDS
    kind = kind or kinds[0]
    if kind not in kinds:
        offered = "、".join(AttachmentKind(k).label for k in kinds)
        raise ServiceError(f"{model._meta.verbose_name}的附件类别只能是{offered}。")
    info = inspect_upload(upload)
    limit = settings.ATTACHMENT_MAX_PER_ENTRY
    with transaction.atomic():
        locked = _locked_changeable(actor, entry, "您没有权限为该记录上传附件。")
        if Attachment.objects.of(locked).live().count() >= limit:
            raise ServiceError(f"文件“{info.name}”未上传：每条台账最多 {limit} 个附件，请先删除不需要的附件。")
        attachment = Attachment(
            content_type=ContentType.objects.get_for_model(model),
            object_id=locked.pk,
            kind=kind,
            original_name=info.name,
            size=info.size,
            mime_type=info.type.mime,
            sha256=info.sha256,
            uploaded_by=actor,
        )
        stored = []
        try:
            attachment.file.save(f"upload{info.type.extensions[0]}", upload, save=False)
            stored.append(attachment.file)
            thumb = thumbnail_of(upload) if info.type.pillow_format else None
            if thumb:
                attachment.thumbnail.save("thumb.jpg", ContentFile(thumb), save=False)
                stored.append(attachment.thumbnail)
            full_clean(attachment)
            audited_save(attachment, actor=actor, reason=f"上传附件：{attachment.get_kind_display()} {info.name}")
        except BaseException:
            for f in stored:  # nothing half-written stays behind
                f.storage.delete(f.name)
            raise
    return attachment


def attachment_delete(*, actor, entry: LedgerEntry, attachment: Attachment, reason: str = "") -> Attachment:
    """删除: the attachment leaves the page and the downloads; its record and file are kept (see Attachment)."""
    from django.utils import timezone

    with transaction.atomic():
        locked = _locked_changeable(actor, entry, "您没有权限删除该记录的附件。")
        current = Attachment.objects.of(locked).select_for_update().filter(pk=attachment.pk).first()
        if current is None or current.is_deleted:
            raise ServiceError(f"附件“{attachment.original_name}”已删除或不存在。")
        current.deleted_at = timezone.now()
        current.deleted_by = actor
        current.delete_reason = (reason or "").strip()[:200]
        full_clean(current)
        text = f"删除附件：{current.get_kind_display()} {current.original_name}"
        audited_save(
            current, actor=actor, reason=text + (f"（{current.delete_reason}）" if current.delete_reason else "")
        )
    return current


def entry_write_with_photo(*, actor, write, photo=None, kind: str = "") -> LedgerEntry:
    """``write()`` — the ledger's create or transition service, bound to its arguments — and, with a
    photo taken on the same form, its attachment of ``kind``: both in one transaction, or neither."""
    with transaction.atomic():
        obj = write()
        if photo is not None:
            attachment_add(actor=actor, entry=obj, upload=photo, kind=kind)
    return obj
