"""What every ledger (台账) shares: the abstract entry, its scoped queryset, status workflow, deadlines.

A ledger app declares its model on `LedgerEntry`, a `Workflow` of `Transition`s (one table per
ledger: from which statuses, to which status, by which roles, with which extra form), and a
`compute_due_on` method. Its services call `transition_run`, which is the only code that changes a
status: it checks role, scope, current status, version and the step's guard in one locked
transaction, applies the ledger's own rule, recomputes the deadline and writes the audit entry.
Anything not in the table is refused with a message and changes nothing.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from . import workdays
from .roles import Role
from .scoping import ScopedQuerySet, user_scope
from .services import ConflictError, ServiceError, audited_save, full_clean

EDIT_ROLES = frozenset({Role.ADMIN, Role.CLERK, Role.GRID})
READ_ROLES = frozenset(Role.values)
# Who may see full personal data (ID numbers, phones, names) after pressing "显示", logged each time.
REVEAL_ROLES = frozenset({Role.ADMIN, Role.COUNTY, Role.CLERK})
#: what a list, a page or an export shows in place of a value the rules keep from this user
HIDDEN_TEXT = "（按规定对您不可见）"


def ledger_permissions() -> dict[str, frozenset[str]]:
    return {"view": READ_ROLES, "add": EDIT_ROLES, "change": EDIT_ROLES}


class LedgerQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=self.model.OPEN_STATUSES)

    def overdue(self, today: datetime.date):
        return self.open().filter(due_on__lt=today)

    def due_soon(self, today: datetime.date, warn_days: int):
        return self.open().filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=warn_days))


class LedgerEntry(models.Model):
    """Abstract base of every ledger entry: belongs to a subject, has a status and a deadline."""

    scope_region_path = "subject__region"
    scope_department_path = "subject__department"
    #: statuses in which the entry is still being handled (counts for overdue)
    OPEN_STATUSES: tuple[str, ...] = ()
    #: the date that places the entry in a month (排查/登记/发生日期)
    DATE_FIELD = "found_on"
    #: URL prefix (DESIGN §7), e.g. "hazards"
    URL_PREFIX = ""

    subject = models.ForeignKey(
        "units.Subject", verbose_name="创建主体", on_delete=models.PROTECT, related_name="%(class)ss"
    )
    due_on = models.DateField("办理期限", null=True, blank=True, editable=False)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        abstract = True

    # --- deadlines -----------------------------------------------------------------------------
    #: the stored deadlines; recomputed together when a year's holidays change (sanzero.holidays)
    DEADLINE_FIELDS: tuple[str, ...] = ("due_on",)
    #: whether those deadlines count working days (工作日); only then do pages warn of a year whose
    #: holidays are unknown (calendar-day deadlines, 日, do not depend on them)
    WORKDAY_DEADLINES = False

    def compute_due_on(self, rules) -> datetime.date | None:
        """The date by which the current step must be done; None when nothing is pending."""
        return None

    @classmethod
    def deadline_context(cls) -> dict:
        """What recomputing many entries' deadlines needs loaded once (e.g. the mediation ladder)."""
        return {}

    def recomputed_deadlines(self, rules, context: dict) -> dict[str, datetime.date | None]:
        """Every field of DEADLINE_FIELDS computed afresh under the current calendar and rules."""
        return {"due_on": self.compute_due_on(rules)}

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def colour(self, today: datetime.date | None = None, warn_days: int = 3) -> str:
        today = today or timezone.localdate()
        return workdays.deadline_colour(self.due_on, today, done=not self.is_open, warn_days=warn_days)

    def days_overdue(self, today: datetime.date | None = None) -> int:
        if not self.is_open:
            return 0
        return workdays.days_overdue(self.due_on, today or timezone.localdate())

    @property
    def entry_date(self) -> datetime.date:
        return getattr(self, self.DATE_FIELD)


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
    from .roles import PERMISSIONS

    return PERMISSIONS.get(model._meta.label_lower, {}).get(action, frozenset())


def entry_create(*, actor, model, data: dict, rules=None, reason: str = "") -> LedgerEntry:
    """Create a ledger entry for a subject in the actor's scope, with its deadline and audit row."""
    _check_subject(actor, model, data["subject"])
    with transaction.atomic():
        obj = model(**data)
        _check_period(obj)
        obj.created_by = actor if getattr(actor, "is_authenticated", False) else None
        if rules is not None:
            obj.due_on = obj.compute_due_on(rules)
        full_clean(obj)
        audited_save(obj, actor=actor, reason=reason or f"登记{model._meta.verbose_name}")
    return obj


def entry_update(*, actor, obj: LedgerEntry, data: dict, fields, expected_version=None, rules=None) -> list[str]:
    """Edit the plain fields of an entry (never its status: that is a transition)."""
    from .services import model_update

    model = type(obj)
    if not model.objects.for_user(actor, "change").filter(pk=obj.pk).exists():
        raise PermissionDenied("您没有权限修改该记录。")
    if "subject" in data and data["subject"] != obj.subject:
        _check_subject(actor, model, data["subject"])
    fields = [f for f in fields if f != "status"]
    date_field = model.DATE_FIELD
    if ("subject" in data and data["subject"] != obj.subject) or (
            date_field in data and data[date_field] != getattr(obj, date_field)):
        probe = copy.copy(obj)
        for name in ("subject", date_field):
            if name in data:
                setattr(probe, name, data[name])
        _check_period(probe)
    with transaction.atomic():
        if rules is not None:
            probe = model(**{f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields})
            for name in fields:
                if name in data:
                    setattr(probe, name, data[name])
            data = {**data, "due_on": probe.compute_due_on(rules)}
            fields = [*fields, "due_on"]
        return model_update(instance=obj, data=data, fields=fields, actor=actor, expected_version=expected_version,
                            reason=f"修改{model._meta.verbose_name}")
