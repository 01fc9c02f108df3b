"""The base of every ledger's Excel sheet (DESIGN §7): the subject columns, the natural key, the entry's
own form for its plain fields, and its status reached through the ledger's own workflow.

A row's status is not written: the sheet plans the *path* of transitions from the entry's current (or
initial) status to the sheet's (`Workflow.path`), validates each step with the step's form and dry-runs
the step's rule on the planned entry (`transition_apply`), so whatever the web refuses is refused here
with the same Chinese message as ``第N行 列名: 原因``. Writing creates the entry with its steps applied
before the first save (`<entity>_create(steps=…)`), or runs each step on an existing entry through the
ledger's transition service. A ledger app declares its sheet in its imports.py: the model, the form, the
services, the workflow, its columns and which status a row without a 状态 means.
"""

from __future__ import annotations

import copy
import inspect
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db import models

from sanzero.importing.base import (
    BLANK_NOTE,
    CHANGED,
    NEW,
    UNCHANGED,
    ChoiceCache,
    ImportKind,
    RowInvalid,
    RowPlan,
    changed_fields,
    chunked,
    fetch_in,
    form_errors,
    import_form,
    key_text,
    same_value,
    values_in,
)
from sanzero.models import DeadlineSettings
from sanzero.services import ServiceError
from sanzero.xlsx import Column, RowError, SheetSpec

from .workflow import Transition, Workflow, transition_apply

SUBJECT_REGION_COLUMN = Column(
    "所属区划代码",
    "region_code",
    required=True,
    max_length=15,
    help="12位区划代码（乡镇、村或社区），如 330102001001。",
)
SUBJECT_NAME_COLUMN = Column(
    "主体名称", "subject", required=True, max_length=100, help="该区划内已登记的创建主体名称，须与系统中一致。"
)
STATUS_HEADER = "状态"


@dataclass
class LedgerContext:
    actor: Any
    regions: dict
    scope_codes: set
    subjects: dict
    addable: set
    entries: dict
    changeable: set
    rules: Any
    cache: ChoiceCache
    extra: dict = field(default_factory=dict)


class LedgerSheet(ImportKind):
    """A ledger sheet: 所属区划代码 + 主体名称 name the subject; the entry date and ``key_fields`` tell
    entries of one subject apart. Subclasses name their model, form, services and workflow."""

    model: ClassVar[type[models.Model]]
    form_class: ClassVar[type]
    #: <entity>_create(*, actor, data, steps) and <entity>_update(*, actor, obj, data, expected_version)
    create_service: ClassVar[Any]
    update_service: ClassVar[Any]
    #: <entity>_transition(*, actor, obj, name, data, expected_version); None when the sheet has no status
    transition_service: ClassVar[Any] = None
    workflow: ClassVar[Workflow | None] = None
    date_field = ""
    date_header = ""
    key_fields: tuple[str, ...] = ()
    service_fields: tuple[str, ...] = ()
    sheet_name = ""
    #: columns a step uses besides its Transition.import_fields, by step name (e.g. 验收人 for accept)
    extra_step_columns: ClassVar[dict[str, tuple[str, ...]]] = {}

    @property
    def permission_label(self) -> str:  # type: ignore[override]
        return self.model._meta.label_lower

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def template_notes(self) -> list[str]:
        return [*super().template_notes(), BLANK_NOTE]

    def spec(self) -> SheetSpec:
        return SheetSpec(self.sheet_name, [SUBJECT_REGION_COLUMN, SUBJECT_NAME_COLUMN, *self.sheet_columns()])

    def sheet_columns(self) -> list[Column]:
        """``columns()`` built once (ledger enumerations are fixed words, DESIGN §7)."""
        cached = self.__dict__.get("_columns")
        if cached is None:
            cached = self.__dict__["_columns"] = list(self.columns())
        return cached

    def headers(self) -> dict[str, str]:
        return {**super().headers(), "subject": "主体名称", "__all__": self.date_header}

    # the workflow's columns ----------------------------------------------------------------------
    def step_columns(self, transition: Transition) -> tuple[str, ...]:
        return (*transition.import_fields.values(), *self.extra_step_columns.get(transition.name, ()))

    @property
    def status_keys(self) -> set[str]:
        """The status column and every step's columns: not the entry form's business."""
        cached = self.__dict__.get("_status_keys")
        if cached is None:
            keys = {"status"} if self.workflow else set()
            for t in self.workflow.transitions if self.workflow else ():
                keys.update(self.step_columns(t))
            cached = self.__dict__["_status_keys"] = keys
        return cached

    def initial_status(self) -> str:
        return self.model._meta.get_field("status").get_default()

    def target_status(self, values: dict, instance) -> str | None:
        """The status the row asks for: its 状态, else what its dates imply (a subclass), else None
        (a new entry starts at the initial status; an existing one keeps its own)."""
        return values.get("status")

    def step_data(self, ctx: LedgerContext, transition: Transition, values: dict) -> dict:
        """The step's data from the row: mapped columns, then the step's defaults for blank cells."""
        data = {
            key: values[column] for key, column in transition.import_fields.items() if values.get(column) is not None
        }
        for key, value in transition.import_defaults.items():
            data.setdefault(key, value)
        return data

    # planning -------------------------------------------------------------------------------------
    def key_of(self, subject_id: int, values: dict) -> tuple:
        return (subject_id, values[self.date_field], *(key_text(values.get(f)) for f in self.key_fields))

    def entry_key(self, entry) -> tuple:
        return (
            entry.subject_id,
            getattr(entry, self.date_field),
            *(key_text(getattr(entry, f)) for f in self.key_fields),
        )

    def prepare(self, *, actor, rows):
        from units.models import Region, Subject

        codes = {v["region_code"] for _, v in rows}
        names = {v["subject"] for _, v in rows}
        regions = {r.code: r for r in fetch_in(Region.objects.all(), "code", codes)}
        scope_codes = values_in(Region.objects.for_user(actor, "view"), "code", codes, "code")
        subjects: dict[tuple, list] = defaultdict(list)
        region_ids = {r.pk for r in regions.values()}
        for part in chunked(names):
            for subject in Subject.objects.filter(name__in=part, region_id__in=region_ids):
                subjects[(subject.region_id, subject.name)].append(subject)
        subject_ids = {s.pk for group in subjects.values() for s in group}
        # The ledger services and forms: subjects the user can see (a grid worker adds entries, not subjects).
        addable = values_in(Subject.objects.for_user(actor, "view"), "pk", subject_ids)
        dates = [v[self.date_field] for _, v in rows if v.get(self.date_field)]
        entries: dict[tuple, list] = defaultdict(list)
        if dates and subject_ids:
            qs = self.model.objects.filter(
                **{f"{self.date_field}__gte": min(dates), f"{self.date_field}__lte": max(dates)}
            )
            for entry in fetch_in(qs, "subject_id", subject_ids):
                entries[self.entry_key(entry)].append(entry)
        entry_ids = [e.pk for group in entries.values() for e in group]
        changeable = values_in(self.model.objects.for_user(actor, "change"), "pk", entry_ids)
        ctx = LedgerContext(
            actor=actor,
            regions=regions,
            scope_codes=scope_codes,
            subjects=subjects,
            addable=addable,
            entries=entries,
            changeable=changeable,
            rules=DeadlineSettings.current(),
            cache=ChoiceCache(restrict={"subject": subject_ids}),
        )
        self.prepare_extra(ctx, rows)
        return ctx

    def prepare_extra(self, ctx: LedgerContext, rows) -> None:
        pass

    def _subject(self, ctx: LedgerContext, row: int, values: dict):
        code, name = values["region_code"], values["subject"]
        region = ctx.regions.get(code)
        if region is None:
            raise RowInvalid(RowError(row, "所属区划代码", f"区划代码“{code}”不存在"))
        if code not in ctx.scope_codes:
            raise RowInvalid(
                RowError(row, "所属区划代码", f"“{region.name}”（{code}）不在您的管辖范围内"), out_of_scope=True
            )
        candidates = ctx.subjects.get((region.pk, name), [])
        if not candidates:
            raise RowInvalid(RowError(row, "主体名称", f"“{region.name}”没有名为“{name}”的创建主体，请先登记该主体"))
        # The subject of that name in the campaign on the entry's date (a name is unique among the
        # active subjects only: a closed enterprise and its successor may share it); else the
        # current one, which the form then refuses with the subject's own dates.
        day = values.get(self.date_field)
        in_period = [s for s in candidates if day is not None and s.in_campaign_on(day)]
        active = [s for s in candidates if s.left_on is None]
        if in_period:
            subject = max(in_period, key=lambda s: s.pk)
        else:
            subject = active[0] if active else max(candidates, key=lambda s: (s.left_on, s.pk))
        if subject.pk not in ctx.addable:
            raise RowInvalid(RowError(row, "主体名称", f"“{name}”不在您的管辖范围内"), out_of_scope=True)
        return subject

    def base_data(self, instance) -> dict:
        """Form data for the fields the sheet does not carry: the stored values, or the defaults."""
        model = self.model
        data = {}
        for name in self.form_class._meta.fields:
            model_field = model._meta.get_field(name)
            if instance is not None:
                data[name] = getattr(instance, model_field.attname)
            elif model_field.has_default():
                data[name] = model_field.get_default()
            else:
                data[name] = None if model_field.null or isinstance(model_field, models.ForeignKey) else ""
        return data

    def plan(self, ctx: LedgerContext, row: int, values: dict) -> RowPlan:
        subject = self._subject(ctx, row, values)
        key = self.key_of(subject.pk, values)
        matches = ctx.entries.get(key, [])
        if len(matches) > 1:
            raise RowInvalid(
                RowError(
                    row,
                    self.duplicate_header,
                    f"系统中已有{len(matches)}条相同的{self.label}记录（{self.key_description}相同），"
                    "无法确定更新哪一条，请在系统中核对",
                )
            )
        instance = matches[0] if matches else None
        if instance is not None and instance.pk not in ctx.changeable:
            raise RowInvalid(RowError(row, self.duplicate_header, "该记录不在您可修改的范围内"), out_of_scope=True)

        model = self.model
        data = self.base_data(instance)
        data["subject"] = subject.pk
        for column in self.sheet_columns():
            if column.key in self.status_keys or column.key not in values:
                continue
            value = values[column.key]
            if value is None:
                model_field = model._meta.get_field(column.key)
                if isinstance(model_field, models.BooleanField) or model_field.has_default():
                    continue  # blank: the default (new) or the stored value (existing)
                data[column.key] = None if model_field.null else ""
            else:
                data[column.key] = value
        if instance is not None:
            data["version"] = instance.version
        form = ctx.cache.bind(
            import_form(self.form_class)(data, user=ctx.actor, instance=copy.copy(instance) if instance else None)
        )
        if not form.is_valid():
            raise RowInvalid(*form_errors(form, row, self.headers()))
        payload = (
            form.service_data()
            if hasattr(form, "service_data")
            else {k: v for k, v in form.cleaned_data.items() if k != "version"}
        )
        steps = self.plan_steps(ctx, row, values, instance, payload) if self.workflow else []
        warnings = self.row_warnings(row, values, payload)
        if instance is None:
            return RowPlan(row, key, NEW, data=payload, extra={"steps": steps}, warnings=warnings)
        compare = self.effective(ctx, payload, instance)
        plain = changed_fields(instance, compare, self.service_fields)
        action = CHANGED if plain or steps else UNCHANGED
        return RowPlan(
            row,
            key,
            action,
            instance=instance,
            data=payload,
            extra={"steps": steps, "plain": plain},
            warnings=warnings if action == CHANGED else [],
        )

    def plan_steps(self, ctx: LedgerContext, row: int, values: dict, instance, payload: dict) -> list:
        """The (transition, data) steps that take the entry to the row's status, each validated by its
        form and dry-run on the planned entry by its own rule; RowInvalid with every problem."""
        start = instance.status if instance is not None else self.initial_status()
        goal = self.target_status(values, instance) or start
        path = self.workflow.path(start, goal)
        label = self.label
        if path is None:
            raise RowInvalid(
                RowError(
                    row,
                    STATUS_HEADER,
                    f"该{label}当前状态为“{_status_label(self.model, start)}”，"
                    f"按办理流程不能通过导入改为“{_status_label(self.model, goal)}”",
                )
            )
        headers = self.headers()
        # what the row says that the path does not do: columns of other steps
        reached = self.workflow.path(self.initial_status(), goal) or []
        meaningful = {c for t in reached for c in self.step_columns(t)}
        on_path = {c for t in path for c in self.step_columns(t)}
        errors = []
        for column in sorted(self.status_keys - {"status"}, key=list(headers).index):
            value = values.get(column)
            if value is None:
                continue
            if column not in meaningful:
                errors.append(
                    RowError(
                        row,
                        headers[column],
                        f"状态为“{_status_label(self.model, goal)}”的{label}不填写{headers[column]}",
                    )
                )
            elif (
                column not in on_path
                and instance is not None
                and _is_field(self.model, column)
                and not same_value(instance, column, value)
            ):
                stored = getattr(instance, column)
                errors.append(
                    RowError(
                        row,
                        headers[column],
                        f"该{label}已办理此环节，系统中的{headers[column]}为"
                        f"“{_text(stored)}”，不能通过导入修改，请在系统中核对",
                    )
                )
        if errors:
            raise RowInvalid(*errors)
        probe = copy.copy(instance) if instance is not None else self.model(status=start)
        for name, value in payload.items():
            setattr(probe, name, value)
        steps = []
        for transition in path:
            data = self.step_data(ctx, transition, values)
            if transition.form_class is not None:
                form = transition.form_class(data, **_form_kwargs(transition.form_class, probe))
                if not form.is_valid():
                    mapped = {**{key: headers.get(col, col) for key, col in transition.import_fields.items()}}
                    raise RowInvalid(*form_errors(form, row, {**mapped, "__all__": STATUS_HEADER}))
                data = {
                    **{k: v for k, v in data.items() if k not in form.fields},
                    **{k: v for k, v in form.cleaned_data.items() if k != "version"},
                }
            try:
                transition_apply(probe, transition, data, actor=ctx.actor, rules=None)
            except (ServiceError, PermissionDenied) as exc:
                header = next((headers[c] for c in self.step_columns(transition) if c in headers), STATUS_HEADER)
                raise RowInvalid(RowError(row, header, str(exc).rstrip("。"))) from None
            steps.append((transition.name, data))
        return steps

    def effective(self, ctx: LedgerContext, payload: dict, instance) -> dict:
        """The values the update service will store (defaults it fills in), for comparison."""
        return payload

    def row_warnings(self, row: int, values: dict, payload: dict) -> list[RowError]:
        return []

    # writing --------------------------------------------------------------------------------------
    def write(self, ctx: LedgerContext, plan: RowPlan) -> None:
        steps = plan.extra["steps"]
        if plan.action == NEW:
            type(self).create_service(
                actor=ctx.actor, data=plan.data, steps=[(self.workflow.get(name), data) for name, data in steps]
            )
            return
        if plan.action != CHANGED:
            return
        obj = plan.instance
        if plan.extra["plain"]:
            type(self).update_service(actor=ctx.actor, obj=obj, data=plan.data, expected_version=obj.version)
            obj.refresh_from_db()
        for name, data in steps:
            type(self).transition_service(actor=ctx.actor, obj=obj, name=name, data=data, expected_version=obj.version)


def _form_kwargs(form_class, obj) -> dict:
    """A step form gets the entry when it takes one (the web's transition view does the same)."""
    return {"obj": obj} if "obj" in inspect.signature(form_class.__init__).parameters else {}


def _is_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist: a column that is no field (验收人)
        return False
    return True


def _status_label(model, status: str) -> str:
    return dict(model._meta.get_field("status").choices).get(status, status)


def _text(value) -> str:
    if value is None or value == "":
        return "空"
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)


__all__ = ["LedgerContext", "LedgerSheet", "SUBJECT_NAME_COLUMN", "SUBJECT_REGION_COLUMN", "UNCHANGED"]
