"""Personal data (DESIGN §8): what a page, list or export shows in place of a value it may not show,
and the access log every full view of personal data leaves (显示完整个人信息 on a record's page, an
export with unmasked columns). `access_log_create` is the one writer of AccessLog rows."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from .audit import EMPTY_TEXT
from .models import AccessLog
from .roles import REVEAL_ROLES
from .scoping import user_scope
from .services import require

#: what a list, a page or an export shows in place of a value the rules keep from this user
HIDDEN_TEXT = "（按规定对您不可见）"


def protect_changes(model, changes, *, masks: dict, hidden=frozenset(), revealed: bool = False) -> None:
    """An audit trail's old → new values (sanzero.audit FieldChange) as the record's page shows them:
    the `hidden` fields as HIDDEN_TEXT, the personal ones masked (`masks`, {field: mask}) unless the
    page has been revealed (a logged reveal)."""
    labels = {str(model._meta.get_field(name).verbose_name): name for name in (*masks, *hidden)}
    for change in changes:
        name = labels.get(change.label)
        if name is None:
            continue
        if name in hidden:
            change.old = change.new = HIDDEN_TEXT
        elif not revealed:
            mask = masks[name]
            change.old, change.new = (v if v == EMPTY_TEXT else mask(v) for v in (change.old, change.new))


def access_log_create(
    *, actor, action: str, object_label: str, object_id: str = "", fields: Iterable[str] = (), detail: str = ""
) -> AccessLog:
    """One AccessLog row: who (`actor`), what (`action`, AccessLog.Action), of which record or list,
    which fields. Values are cut to their columns' lengths, never refused for being long."""
    return AccessLog.objects.create(
        user=actor,
        action=action,
        object_label=object_label[:60],
        object_id=str(object_id)[:40],
        fields=",".join(fields)[:200],
        detail=detail[:300],
    )


@transaction.atomic
def personal_data_reveal(*, actor, obj: models.Model, fields: Iterable[str]) -> AccessLog:
    """显示完整个人信息: show `obj`'s personal `fields` in full to `actor`, and log it.

    Refused (PermissionDenied, nothing logged) for a role outside REVEAL_ROLES, for an object outside
    the actor's scope (`type(obj).objects.for_user(actor)`), and when there is nothing to reveal.
    """
    fields = list(dict.fromkeys(fields))
    require(bool(fields), "该记录没有可显示的个人信息。")
    for name in fields:
        obj._meta.get_field(name)  # a name that is no field is a programming error, never logged
    require(user_scope(actor).role in REVEAL_ROLES, "您的角色不能查看完整个人信息。")
    if not type(obj).objects.for_user(actor).filter(pk=obj.pk).exists():
        raise PermissionDenied("该记录不在您的管辖范围内。")
    return access_log_create(
        actor=actor,
        action=AccessLog.Action.REVEAL,
        object_label=obj._meta.label_lower,
        object_id=str(obj.pk),
        fields=fields,
    )


#: an ID number (18 characters, the last may be X) or a mobile number inside free text, not part of a
#: longer run of digits (an 18-digit ID is not read as a phone number)
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def mask_free_text(text: str, names: Iterable[str] = ()) -> str:
    """Free text (简要情况, 诉求内容) as a list may show it: ID and mobile numbers written into it are
    masked like the fields (110105********002X, 138****1234), and each of `names` (the entry's own
    parties or petitioner) is masked to its first character (张伟 → 张*)."""
    from .validators import mask_id_number, mask_phone

    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0).upper()), text or "")
    text = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, name[0] + "*" * (len(name) - 1))
    return text
