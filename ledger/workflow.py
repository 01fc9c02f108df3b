"""The status workflow of a ledger: one table of `Transition`s per ledger (the app's workflow.py).

A `Transition` is the only place a status rule lives: which statuses it leaves, which it reaches,
who may take it, its form, its guard (why this user may not, on this entry) and its `apply` (the
ledger's own rule: it sets the step's fields or refuses). `transition_apply` runs a step on an entry
in memory; `transition_run` runs it on the locked row of a saved entry — checking role, scope,
current status, version — and writes the audit entry. `entry_create(steps=…)` runs steps on a new
entry before its first save, which is how an Excel row reaches its status (ledger.imports): the same
rules as the web, with the same messages. Anything not in the table is refused and changes nothing.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from sanzero.roles import EDIT_ROLES, Role
from sanzero.scoping import user_scope
from sanzero.services import ConflictError, ServiceError, audited_save, full_clean
from sanzero.signals import subject_days_changed

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
    #: apply(obj, data, actor, rules) sets the step's fields and returns their names, or raises
    #: ServiceError: the ledger's own rule for the step (data is the step form's cleaned data)
    apply: Callable[..., list[str]] | None = None
    #: for the Excel import: step data key ← sheet column key (the columns that carry this step)
    import_fields: Mapping[str, str] = field(default_factory=dict, compare=False)
    #: step data an imported row gets when its cell is blank (a default the web form preselects,
    #: or a field the importer did not witness, e.g. who recorded a rectification long ago)
    import_defaults: Mapping[str, object] = field(default_factory=dict, compare=False)
    #: the kind (ledger.models.AttachmentKind) of an optional file the step's form takes: the
    #: 整改后照片 with 登记整改完成, the scanned 调解协议书 with 登记化解; None: no file field
    attachment_kind: str | None = None

    def refusal(self, obj, user) -> str | None:
        return self.guard(obj, user) if self.guard is not None else None

    def allowed_role(self, user) -> bool:
        role = user_scope(user).role
        return role == Role.ADMIN or role in self.roles


@dataclass
class Workflow:
    transitions: list[Transition] = field(default_factory=list)

    def get(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    def permitted(self, obj, user) -> list[Transition]:
        """Allowed from the current status for the user's role, guards aside."""
        return [t for t in self.transitions if obj.status in t.sources and t.allowed_role(user)]

    def available(self, obj, user) -> list[Transition]:
        """Buttons to show: permitted, and not refused by the step's guard."""
        return [t for t in self.permitted(obj, user) if t.refusal(obj, user) is None]

    def refused(self, obj, user) -> list[tuple[Transition, str]]:
        """Permitted steps the guard refuses, with the reason (the page says why there is no button)."""
        return [(t, reason) for t in self.permitted(obj, user) if (reason := t.refusal(obj, user))]

    def path(self, start: str, goal: str) -> list[Transition] | None:
        """The shortest chain of status-changing steps from ``start`` to ``goal`` ([] when equal; None
        when the table has none: e.g. from 已销号 back to 整改中)."""
        if start == goal:
            return []
        seen, queue = {start}, deque([(start, [])])
        while queue:
            status, steps = queue.popleft()
            for t in self.transitions:
                if status in t.sources and t.target is not None and t.target not in seen:
                    if t.target == goal:
                        return [*steps, t]
                    seen.add(t.target)
                    queue.append((t.target, [*steps, t]))
        return None


def transition_apply(obj: LedgerEntry, transition: Transition, data: dict, *, actor, rules=None) -> list[str]:
    """One step on ``obj`` in memory: role, guard, the ledger's rule, the new status and deadline.
    Returns the changed field names; raises PermissionDenied or ServiceError (nothing is saved here)."""
    if not transition.allowed_role(actor):
        raise PermissionDenied(f"您的角色不能执行“{transition.label}”。")
    if obj.status not in transition.sources:
        raise ServiceError(f"当前状态为“{obj.get_status_display()}”，不能执行“{transition.label}”。")
    refusal = transition.refusal(obj, actor)
    if refusal:
        raise ServiceError(refusal)
    changed = list(transition.apply(obj, data, actor, rules)) if transition.apply else []
    if transition.target is not None:
        obj.status = transition.target
        changed.append("status")
    if rules is not None:
        new_due = obj.compute_due_on(rules)
        if new_due != obj.due_on:
            obj.due_on = new_due
            changed.append("due_on")
    return changed


def transition_run(
    *,
    actor,
    obj: LedgerEntry,
    workflow: Workflow,
    name: str,
    data: dict | None = None,
    expected_version: int | None = None,
    rules=None,
) -> LedgerEntry:
    """Run one transition of the table on a saved entry; refuse anything else. Returns the entry.

    The step sees the row as locked, not the caller's copy. Nothing is written when it refuses.
    """
    data = data or {}
    transition = workflow.get(name)
    if transition is None:
        raise ServiceError("未知的操作。")
    model = type(obj)
    if not transition.allowed_role(actor):
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
        obj.refresh_from_db()
        old_status = obj.get_status_display()
        changed = transition_apply(obj, transition, data, actor=actor, rules=rules)
        full_clean(obj)
        obj.version = version + 1
        reason = (
            f"{transition.label}：{old_status} → {obj.get_status_display()}"
            if transition.target is not None and transition.target != status
            else transition.label
        )
        if data.get("note"):
            reason = f"{reason}（{str(data['note'])[:150]}）"
        audited_save(obj, actor=actor, reason=reason, update_fields=sorted(set(changed) | {"version", "updated_at"}))
        # a step moves the 台账数据 (化解, 整改, 办结, 超期) of the entry's months: the snapshots follow it
        subject_days_changed.send(sender=model, changes=[(obj.subject_id, obj.entry_date)])
    return obj


def require_role(actor, roles: frozenset[str], message: str) -> None:
    role = user_scope(actor).role
    if role != Role.ADMIN and role not in roles:
        raise PermissionDenied(message)
