"""The status workflow of a ledger: one table of `Transition`s per ledger (workflow.py of the app).

`transition_run` is the only code that changes a status: it checks role, scope, current status,
version and the step's guard in one locked transaction, applies the ledger's own rule, recomputes the
deadline and writes the audit entry. Anything not in the table is refused with a message and changes
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from sanzero.roles import EDIT_ROLES, Role
from sanzero.scoping import user_scope
from sanzero.services import ConflictError, ServiceError, audited_save, full_clean

from .models import LedgerEntry


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the status stays (an escalation, an extension)
    roles: frozenset[str] = EDIT_ROLES
    form_class: type | None = None
    style: str = "primary"
    help: str = ""
    #: guard(obj, user) -> why this user may not take the step on this entry (Chinese), or None.
    #: Checked on the locked row by transition_run; a refused step's button is not offered.
    guard: Callable[[LedgerEntry, object], str | None] | None = None

    def refusal(self, obj, user) -> str | None:
        return self.guard(obj, user) if self.guard is not None else None


@dataclass
class Workflow:
    transitions: list[Transition] = field(default_factory=list)

    def get(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    def permitted(self, obj, user) -> list[Transition]:
        """Allowed from the current status for the user's role, guards aside."""
        role = user_scope(user).role
        return [t for t in self.transitions if obj.status in t.sources and (role == Role.ADMIN or role in t.roles)]

    def available(self, obj, user) -> list[Transition]:
        """Buttons to show: permitted, and not refused by the step's guard."""
        return [t for t in self.permitted(obj, user) if t.refusal(obj, user) is None]

    def refused(self, obj, user) -> list[tuple[Transition, str]]:
        """Permitted steps the guard refuses, with the reason (the page says why there is no button)."""
        return [(t, reason) for t in self.permitted(obj, user) if (reason := t.refusal(obj, user))]


def transition_run(
    *,
    actor,
    obj: LedgerEntry,
    workflow: Workflow,
    name: str,
    data: dict | None = None,
    expected_version: int | None = None,
    apply: Callable[[LedgerEntry, Transition, dict], list[str]] | None = None,
    rules=None,
) -> LedgerEntry:
    """Run one transition of the table; refuse anything else. Returns the updated object.

    The transition's guard sees the locked row and refuses with ServiceError (e.g. acceptance by the
    rectifier). `apply(obj, transition, data)` then sets the ledger's own fields and returns their
    names; it may raise ServiceError too. Nothing is written when either refuses.
    """
    data = data or {}
    transition = workflow.get(name)
    if transition is None:
        raise ServiceError("未知的操作。")
    model = type(obj)
    role = user_scope(actor).role
    if role != Role.ADMIN and role not in transition.roles:
        raise PermissionDenied(f"您的角色不能执行“{transition.label}”。")
    if not model.objects.for_user(actor, "view").filter(pk=obj.pk).exists():
        raise PermissionDenied("该记录不在您的管辖范围内。")
    with transaction.atomic():
        current = model.objects.select_for_update().filter(pk=obj.pk).values_list("status", "version").first()
        if current is None:
            raise ConflictError("该记录已不存在。")
        status, version = current
        if expected_version is not None and version != expected_version:
            raise ConflictError("操作失败：在您操作期间，该记录已被其他用户修改。请刷新页面后重试。")
        if status not in transition.sources:
            raise ServiceError(
                f"当前状态为“{obj.get_status_display()}”，不能执行“{transition.label}”。"
            )
        obj.refresh_from_db()  # the rule sees the row as locked, not the caller's copy
        refusal = transition.refusal(obj, actor)
        if refusal:
            raise ServiceError(refusal)
        old_status = obj.get_status_display()
        changed = apply(obj, transition, data) if apply else []
        if transition.target is not None:
            obj.status = transition.target
            changed.append("status")
        if rules is not None:
            new_due = obj.compute_due_on(rules)
            if new_due != obj.due_on:
                obj.due_on = new_due
                changed.append("due_on")
        full_clean(obj)
        obj.version = version + 1
        reason = (
            f"{transition.label}：{old_status} → {obj.get_status_display()}"
            if transition.target is not None and transition.target != status
            else transition.label
        )
        if data.get("note"):
            reason = f"{reason}（{str(data['note'])[:150]}）"
        audited_save(obj, actor=actor, reason=reason,
                     update_fields=sorted(set(changed) | {"version", "updated_at"}))
    return obj




def require_role(actor, roles: frozenset[str], message: str) -> None:
    role = user_scope(actor).role
    if role != Role.ADMIN and role not in roles:
        raise PermissionDenied(message)
