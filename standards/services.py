"""Writes of the national-standard code table: the rows follow our enumerations (sync), the administrator
sets a code (audited). Reads for exports are in standards/exports.py."""

from __future__ import annotations

from simple_history.utils import bulk_create_with_history

from ledger.workflow import require_role
from sanzero.services import model_update

from .mapping import BY_KEY, ENUMERATIONS, SOURCED_CODES
from .models import StandardCode

SYNC_REASON = "按本系统枚举取值补齐"


def codes_sync() -> int:
    """A row for every word of every enumeration (a subject category the administrator added included),
    with the sourced code if there is one. Existing rows are left alone. Returns the rows added."""
    have = set(StandardCode.objects.values_list("enumeration", "value"))
    missing = [
        StandardCode(enumeration=e.key, value=v, code=SOURCED_CODES.get(e.key, {}).get(v, ""))
        for e in ENUMERATIONS
        for v in e.values()
        if (e.key, v) not in have
    ]
    if missing:
        bulk_create_with_history(missing, StandardCode, default_change_reason=SYNC_REASON)
    return len(missing)


def codes_sync_after_migrate(sender, **kwargs) -> None:
    codes_sync()


def codes_sync_after_save(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        codes_sync()


def standard_code_update(*, actor, obj: StandardCode, data: dict, expected_version: int | None = None) -> list[str]:
    """Set a word's code (and where it comes from): the administrator's, audited."""
    require_role(actor, frozenset(), "只有系统管理员可以修改国家标准代码对照。")
    data = {k: (v or "").strip() for k, v in data.items() if k in ("code", "note")}
    label = BY_KEY[obj.enumeration].label if obj.enumeration in BY_KEY else obj.enumeration
    return model_update(
        instance=obj,
        data=data,
        fields=("code", "note"),
        actor=actor,
        expected_version=expected_version,
        reason=f"修改国标代码：{label}“{obj.value}”",
    )
