"""The eight Excel import kinds of DESIGN §7: their sheets, natural keys, row validation and upserts.

Every kind turns one parsed row (see :func:`sanzero.xlsx.read_rows`) into a :class:`RowPlan`:
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

import copy
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from sanzero.roles import Role, role_may
from sanzero.scoping import user_scope
from sanzero.xlsx import Column, RowError, SheetSpec

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
CHUNK = 900  # ids per IN (...) clause: well inside every database's parameter limit
IMPORT_REASON = "Excel导入"
KEY_TEXT_LIMIT = 64  # longer key texts (诉求内容, 简要情况…) are compared by a digest

SUBJECT_REGION_COLUMN = Column("所属区划代码", "region_code", required=True, max_length=15,
                               help="12位区划代码（乡镇、村或社区），如 330102001001。")
SUBJECT_NAME_COLUMN = Column("主体名称", "subject", required=True, max_length=100,
                             help="该区划内已登记的创建主体名称，须与系统中一致。")


BLANK_NOTE = ("留空的格：文本和日期列表示“无”（已有记录的该项会被清空）；有默认值的列（来源、风险等级、人数等）"
              "新记录取默认值，已有记录保持不变。表中没有的列不影响已有记录的该项。")


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
            raise ValidationError(form_field.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value})
        return obj

    return to_python


def form_errors(form: forms.BaseForm, row: int, headers: dict[str, str]) -> list[RowError]:
    """The form's errors as row errors: a field's column header (or its label), then the message."""
    out = []
    for name, messages in form.errors.items():
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


def step_form_errors(form_class, data: dict, obj, row: int, wanted: dict[str, str]) -> list[RowError]:
    """Run a workflow step form (ResolveForm, RectifyForm…) for the date rules of its fields only.

    ``wanted`` maps the step form's field names to the import column headers; the form's other
    fields (agreement texts, notes) are not in the sheet and their errors are ignored.
    """
    form = form_class(data, obj=obj)
    form.is_valid()
    return [RowError(row, header, str(m)) for name, header in wanted.items() for m in form.errors.get(name, [])]


# -- the kinds --------------------------------------------------------------------------------------


class ImportKind:
    """One importable sheet. Subclasses fill in the spec, the planning and the write."""

    name = ""
    label = ""
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
        return [f"同一{self.key_description}的行视为同一条记录：系统中已有则更新，没有则新增；"
                "再次导入同一文件不会重复登记。", *self.notes]

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


# -- regions ----------------------------------------------------------------------------------------

REGION_LEVEL_WORDS = {
    "省": "province", "市": "city", "县": "county", "乡镇": "township", "街道": "township",
    "村": "village", "社区": "community", "网格": "grid",
}
REGION_PARENT_REQUIRED = {"township", "village", "community", "grid"}


@dataclass
class RegionContext:
    actor: Any
    existing: dict
    file_rows: dict
    created: dict = field(default_factory=dict)


class RegionKind(ImportKind):
    name = "regions"
    label = "行政区划"
    permission_label = "units.region"
    key_description = "区划代码"
    duplicate_header = "区划代码"
    notes = (
        "层级可填：省、市、县、乡镇、街道、村、社区、网格（街道按乡镇级处理）。",
        "乡镇、村、社区、网格须填写上级区划代码；上级可以是系统中已有的区划，也可以是本文件中的另一行。",
        "已有区划只能修改名称；代码和层级是区划的标识，不能通过导入修改。新增的村、社区自动登记为创建主体。",
    )

    def spec(self) -> SheetSpec:
        return SheetSpec("行政区划", [
            Column("区划代码", "code", required=True, max_length=15,
                   help="12位统计用区划代码（网格15位），如 330102001001。"),
            Column("名称", "name", required=True, max_length=60),
            Column("层级", "level", required=True, kind="choice", choices=list(REGION_LEVEL_WORDS)),
            Column("上级区划代码", "parent", max_length=15, help="上级区划的代码；县及以上的根区划可不填。"),
        ])

    def prepare(self, *, actor, rows):
        from units.models import Region

        codes = {v["code"] for _, v in rows} | {v["parent"] for _, v in rows if v.get("parent")}
        existing = {r.code: r for r in fetch_in(Region.objects.all(), "code", codes)}
        file_rows = {}
        for row, values in rows:
            file_rows.setdefault(values["code"], (row, values))
        return RegionContext(actor=actor, existing=existing, file_rows=file_rows)

    def _probe(self, ctx: RegionContext, code: str, seen: frozenset = frozenset()):
        """The parent named by a code: a saved region, or an unsaved one described by a file row."""
        from units.models import Region

        if code in ctx.existing:
            return ctx.existing[code]
        if code in ctx.file_rows and code not in seen:
            _, values = ctx.file_rows[code]
            parent_code = values.get("parent")
            parent = self._probe(ctx, parent_code, seen | {code}) if parent_code else None
            return Region(code=code, name=values["name"], level=REGION_LEVEL_WORDS[values["level"]], parent=parent)
        return None

    def plan(self, ctx: RegionContext, row: int, values: dict) -> RowPlan:
        from units.models import Region, RegionLevel

        code, name = values["code"], values["name"]
        level = REGION_LEVEL_WORDS[values["level"]]
        parent_code = values.get("parent")
        parent = None
        if parent_code:
            if parent_code == code:
                raise RowInvalid(RowError(row, "上级区划代码", "上级区划代码不能与本区划代码相同"))
            parent = self._probe(ctx, parent_code)
            if parent is None:
                raise RowInvalid(RowError(row, "上级区划代码", f"上级区划“{parent_code}”不存在（系统和本文件中都没有）"))
        existing = ctx.existing.get(code)
        if existing is not None:
            errors = []
            if existing.level != level:
                errors.append(RowError(row, "层级", f"区划代码已存在，层级为“{existing.get_level_display()}”；"
                                                    "导入只能修改名称，不能修改层级"))
            if parent is not None and existing.parent_id != getattr(parent, "pk", None):
                errors.append(RowError(row, "上级区划代码", "区划代码已存在，导入不能修改其上级区划"))
            if errors:
                raise RowInvalid(*errors)
            probe = copy.copy(existing)
            probe.name = name
            try:
                probe.full_clean(exclude=["parent"], validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                raise RowInvalid(*validation_errors(exc, row, self.headers())) from None
            action = UNCHANGED if existing.name == name else CHANGED
            return RowPlan(row, (code,), action, instance=existing, data={"name": name})
        if parent is None and level in REGION_PARENT_REQUIRED:
            raise RowInvalid(RowError(row, "上级区划代码", f"{RegionLevel(level).label}级区划须填写上级区划代码"))
        probe = Region(code=code, name=name, level=level, parent=parent)
        try:
            probe.full_clean(exclude=["parent"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise RowInvalid(*validation_errors(exc, row, {**self.headers(), "parent": "上级区划代码"})) from None
        return RowPlan(row, (code,), NEW, data={"code": code, "name": name, "level": level,
                                               "parent_code": parent_code or None})

    def order(self, plans: list[RowPlan]) -> list[RowPlan]:
        """Parents before children: by level, then code."""
        from units.models import LEVEL_RANK

        return sorted(plans, key=lambda p: (LEVEL_RANK.get(p.data.get("level"), -1), p.key))

    def write(self, ctx: RegionContext, plan: RowPlan) -> None:
        from units import services

        if plan.action == NEW:
            parent = None
            code = plan.data["parent_code"]
            if code:
                parent = ctx.created.get(code) or ctx.existing.get(code)
            region = services.region_create(actor=ctx.actor, code=plan.data["code"], name=plan.data["name"],
                                            level=plan.data["level"], parent=parent)
            ctx.created[region.code] = region
        elif plan.action == CHANGED:
            services.region_update(actor=ctx.actor, region=plan.instance, name=plan.data["name"])


# -- subjects ---------------------------------------------------------------------------------------


@dataclass
class SubjectContext:
    actor: Any
    categories: dict
    departments: dict
    regions: dict
    scope_codes: set
    existing: dict
    changeable: set
    cache: ChoiceCache


class SubjectKind(ImportKind):
    name = "subjects"
    label = "创建主体"
    permission_label = "units.subject"
    key_description = "所属区划代码 + 主体名称（在册主体）"
    duplicate_header = "主体名称"
    notes = (
        BLANK_NOTE,
        "所属区划代码填写主体所在的乡镇(街道)、村或社区的代码。",
        "主管部门不填时，新主体按类别的默认主管部门登记，已有主体保持原主管部门。",
        "统一社会信用代码校验位不正确的，试导入时列为提示；确认导入即视为已核对。",
        "填写退出日期即办理退出创建；村、社区区划对应的主体不能修改类别。",
    )

    def spec(self) -> SheetSpec:
        from units.models import Category, Department

        categories = list(Category.objects.order_by("sort_order", "id").values_list("name", flat=True))
        departments = list(Department.objects.order_by("id").values_list("name", flat=True))
        return SheetSpec("创建主体", [
            Column("主体名称", "name", required=True, max_length=100),
            Column("主体类别", "category", required=True, **_choice_or_text(categories)),
            Column("所属区划代码", "region", required=True, max_length=15,
                   help="主体所在乡镇(街道)、村或社区的12位代码。"),
            Column("统一社会信用代码", "credit_code", max_length=30, help="18位，可不填。"),
            Column("主管部门", "department", **_choice_or_text(departments),
                   help="不填则按主体类别的默认主管部门。"),
            Column("负责人", "responsible_person", max_length=50),
            Column("联系电话", "phone", max_length=20, help="手机11位，或固定电话如0351-1234567。"),
            Column("地址", "address", max_length=200),
            Column("纳入日期", "joined_on", kind="date", help="不填表示一直在创建范围内。"),
            Column("退出日期", "left_on", kind="date", help="填写则办理退出创建。"),
        ])

    def headers(self) -> dict[str, str]:
        return {**super().headers(), "__all__": "主体名称", "confirm_credit_code": "统一社会信用代码"}

    def prepare(self, *, actor, rows):
        from units.forms import SUBJECT_REGION_LEVELS
        from units.models import Category, Department, Region, Subject

        codes = {v["region"] for _, v in rows}
        names = {v["name"] for _, v in rows}
        regions = {r.code: r for r in fetch_in(Region.objects.all(), "code", codes)}
        scope_codes = values_in(Region.objects.for_user(actor, "view").filter(level__in=SUBJECT_REGION_LEVELS),
                                "code", codes, "code")
        existing: dict[tuple, list] = defaultdict(list)
        region_ids = {r.pk for r in regions.values()}
        for part in chunked(names):
            qs = Subject.objects.filter(name__in=part, region_id__in=region_ids).select_related(
                "region", "category", "department")
            for subject in qs:
                existing[(subject.region_id, subject.name)].append(subject)
        ids = [s.pk for group in existing.values() for s in group]
        changeable = values_in(Subject.objects.for_user(actor, "change"), "pk", ids)
        cache = ChoiceCache(restrict={"region": {r.pk for r in regions.values()}})
        return SubjectContext(
            actor=actor,
            categories={c.name: c for c in Category.objects.select_related("default_department")},
            departments={d.name: d for d in Department.objects.all()},
            regions=regions, scope_codes=scope_codes, existing=existing, changeable=changeable, cache=cache,
        )

    def _match(self, ctx: SubjectContext, region, name: str, values: dict):
        candidates = ctx.existing.get((region.pk, name), [])
        left_on = values.get("left_on")
        # A row naming its leaving date is the subject that left that day, even when a same-named
        # successor is active now (re-importing the history must not deregister the successor).
        exact = [s for s in candidates if left_on and s.left_on == left_on]
        if exact:
            return exact[0]
        active = [s for s in candidates if s.left_on is None]
        if active:
            return active[0]
        if left_on and candidates:
            return max(candidates, key=lambda s: (s.left_on, s.pk))
        return None

    def plan(self, ctx: SubjectContext, row: int, values: dict) -> RowPlan:
        from units.forms import DeregisterForm, SubjectForm
        from units.models import Subject
        from units.services import SUBJECT_FIELDS

        headers = self.headers()
        code, name = values["region"], values["name"]
        region = ctx.regions.get(code)
        if region is None:
            raise RowInvalid(RowError(row, "所属区划代码", f"区划代码“{code}”不存在"))
        if code not in ctx.scope_codes:
            if not region.is_village_level and region.level != "township":
                raise RowInvalid(RowError(row, "所属区划代码",
                                          f"“{region.name}”是{region.get_level_display()}级区划；"
                                          "创建主体应登记在乡镇(街道)、村或社区"))
            raise RowInvalid(RowError(row, "所属区划代码", f"“{region.name}”（{code}）不在您的管辖范围内"),
                             out_of_scope=True)
        instance = self._match(ctx, region, name, values)
        if instance is not None and instance.pk not in ctx.changeable:
            raise RowInvalid(RowError(row, "主体名称", f"“{name}”不在您可修改的范围内"), out_of_scope=True)

        category = ctx.categories.get(values["category"])
        if category is None:  # only when the category list is empty at spec time
            raise RowInvalid(RowError(row, "主体类别", f"主体类别“{values['category']}”不存在"))
        errors = []
        if instance is not None and instance.village_region_id and instance.category_id != category.pk:
            errors.append(RowError(row, "主体类别", f"村(社区)区划对应的主体不能改为其他类别（当前为“{instance.category.name}”）"))
        department = None
        if "department" in values and values["department"]:
            department = ctx.departments.get(values["department"])
            if department is None:
                errors.append(RowError(row, "主管部门", f"主管部门“{values['department']}”不存在"))

        if instance is not None:
            data = {f: getattr(instance, instance._meta.get_field(f).attname)
                    for f in SubjectForm._meta.fields}
            data["version"] = instance.version
        else:
            data = {"department": category.default_department_id}
        data.update(name=name, category=category.pk, region=region.pk, confirm_credit_code=True)
        if department is not None:
            data["department"] = department.pk
        for key in ("credit_code", "responsible_person", "phone", "address"):
            if key in values:
                data[key] = values[key] or ""
        if "joined_on" in values:
            data["joined_on"] = values["joined_on"]
        form = ctx.cache.bind(import_form(SubjectForm)(data, user=ctx.actor,
                                                       instance=copy.copy(instance) if instance else None))
        if not form.is_valid():
            errors.extend(form_errors(form, row, headers))
        if errors:
            raise RowInvalid(*errors)
        payload = form.service_data()

        if "left_on" in values:
            left_on = values["left_on"]
            if left_on is not None and not (instance is not None and instance.left_on == left_on):
                probe = Subject(name=name, joined_on=payload.get("joined_on", None if instance is None else instance.joined_on))
                step = DeregisterForm({"left_on": left_on, "reason": IMPORT_REASON}, subject=probe)
                if not step.is_valid() and "left_on" in step.errors:
                    raise RowInvalid(*[RowError(row, "退出日期", str(m)) for m in step.errors["left_on"]])
            payload["left_on"] = left_on

        warnings = []
        if payload.get("credit_code_warning") and (instance is None or instance.credit_code != payload["credit_code"]):
            warnings.append(RowError(row, "统一社会信用代码",
                                     f"“{payload['credit_code']}”校验位不正确；确认导入即视为已核对，主体将标记为“校验位未通过（已确认）”"))
        key = (code, name)
        if instance is None:
            return RowPlan(row, key, NEW, data=payload, warnings=warnings)
        changed = changed_fields(instance, payload, SUBJECT_FIELDS)
        return RowPlan(row, key, CHANGED if changed else UNCHANGED, instance=instance, data=payload,
                       warnings=warnings if changed else [])

    def write(self, ctx: SubjectContext, plan: RowPlan) -> None:
        from units import services

        if plan.action == NEW:
            services.subject_create(actor=ctx.actor, data=plan.data)
        elif plan.action == CHANGED:
            services.subject_update(actor=ctx.actor, subject=plan.instance, data=plan.data,
                                    expected_version=plan.instance.version)

    #: rows written per call of the bulk service (progress is reported between batches)
    write_batch = 1000

    def write_many(self, ctx: SubjectContext, plans: list[RowPlan]) -> None:
        """Thousands of subjects: the bulk service (same rules, one audit entry per subject)."""
        from units import services

        services.subjects_bulk_save(
            actor=ctx.actor,
            creates=[p.data for p in plans if p.action == NEW],
            updates=[(p.instance, p.data) for p in plans if p.action == CHANGED],
            reason=IMPORT_REASON,
        )


def _choice_or_text(choices: list[str]) -> dict:
    """A drop-down of the values in the database; a text column when there are none yet."""
    return {"kind": "choice", "choices": choices} if choices else {"max_length": 60}


# -- ledgers ----------------------------------------------------------------------------------------


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


class LedgerKind(ImportKind):
    """A ledger sheet: 所属区划代码 + 主体名称 name the subject; the entry date and ``key_fields``
    tell entries of one subject apart. Status columns (if any) are planned by ``plan_status``."""

    model_path = ""  # "disputes.models.Dispute"
    form_path = ""
    #: the app's services: <entity>_create(*, actor, data) and <entity>_update(*, actor, obj, data, expected_version)
    create_path = ""
    update_path = ""
    date_field = ""
    date_header = ""
    key_fields: tuple[str, ...] = ()
    service_fields: tuple[str, ...] = ()
    status_keys: tuple[str, ...] = ()
    sheet_name = ""

    # lazily imported app pieces ------------------------------------------------------------------
    @property
    def model(self):
        return _load(self.model_path)

    @property
    def form_class(self):
        return _load(self.form_path)

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

    def key_of(self, subject_id: int, values: dict) -> tuple:
        return (subject_id, values[self.date_field], *(key_text(values.get(f)) for f in self.key_fields))

    def entry_key(self, entry) -> tuple:
        return (entry.subject_id, getattr(entry, self.date_field),
                *(key_text(getattr(entry, f)) for f in self.key_fields))

    def create(self, *, actor, data: dict):
        return _load(self.create_path)(actor=actor, data=data)

    def update(self, *, actor, obj, data: dict, expected_version: int | None = None):
        return _load(self.update_path)(actor=actor, obj=obj, data=data, expected_version=expected_version)

    # planning -------------------------------------------------------------------------------------
    def prepare(self, *, actor, rows):
        from sanzero.models import DeadlineSettings
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
            qs = self.model.objects.filter(**{f"{self.date_field}__gte": min(dates), f"{self.date_field}__lte": max(dates)})
            for entry in fetch_in(qs, "subject_id", subject_ids):
                entries[self.entry_key(entry)].append(entry)
        entry_ids = [e.pk for group in entries.values() for e in group]
        changeable = values_in(self.model.objects.for_user(actor, "change"), "pk", entry_ids)
        ctx = LedgerContext(actor=actor, regions=regions, scope_codes=scope_codes, subjects=subjects,
                            addable=addable, entries=entries, changeable=changeable,
                            rules=DeadlineSettings.current(), cache=ChoiceCache(restrict={"subject": subject_ids}))
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
            raise RowInvalid(RowError(row, "所属区划代码", f"“{region.name}”（{code}）不在您的管辖范围内"),
                             out_of_scope=True)
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
            raise RowInvalid(RowError(row, self.duplicate_header,
                                      f"系统中已有{len(matches)}条相同的{self.label}记录（{self.key_description}相同），"
                                      "无法确定更新哪一条，请在系统中核对"))
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
        form = ctx.cache.bind(import_form(self.form_class)(data, user=ctx.actor,
                                                            instance=copy.copy(instance) if instance else None))
        errors = [] if form.is_valid() else form_errors(form, row, self.headers())
        status_data: dict = {}
        if not errors:
            payload = form.service_data() if hasattr(form, "service_data") else {
                k: v for k, v in form.cleaned_data.items() if k != "version"}
        else:
            payload = {}
        try:
            status_data = self.plan_status(ctx, row, values, instance, payload or {self.date_field: values[self.date_field]})
        except RowInvalid as exc:
            errors.extend(exc.errors)
        if errors:
            raise RowInvalid(*errors)
        warnings = self.row_warnings(row, values, payload)
        if instance is None:
            return RowPlan(row, key, NEW, data=payload, extra={"status": status_data}, warnings=warnings)
        compare = self.effective(ctx, payload, instance)
        plain = changed_fields(instance, compare, self.service_fields)
        status_changed = changed_fields(instance, status_data, status_data.keys())
        action = CHANGED if plain or status_changed else UNCHANGED
        return RowPlan(row, key, action, instance=instance, data=payload,
                       extra={"status": {k: status_data[k] for k in status_changed}, "plain": plain},
                       warnings=warnings if action == CHANGED else [])

    def effective(self, ctx: LedgerContext, payload: dict, instance) -> dict:
        """The values the update service will store (defaults it fills in), for comparison."""
        return payload

    def row_warnings(self, row: int, values: dict, payload: dict) -> list[RowError]:
        return []

    def plan_status(self, ctx: LedgerContext, row: int, values: dict, instance, payload: dict) -> dict:
        return {}

    # writing --------------------------------------------------------------------------------------
    def write(self, ctx: LedgerContext, plan: RowPlan) -> None:
        if plan.action == NEW:
            self.create(actor=ctx.actor, data={**plan.data, **plan.extra["status"]})
            return
        if plan.action != CHANGED:
            return
        obj = plan.instance
        if plan.extra["plain"]:
            self.update(actor=ctx.actor, obj=obj, data=plan.data, expected_version=obj.version)
        status = plan.extra["status"]
        if status:
            self.write_status(ctx, obj, status)

    def write_status(self, ctx: LedgerContext, obj, status: dict) -> None:
        """A status set by the sheet: the fields as the sheet says (checked by the model's
        constraints in the service's full_clean), the deadline recomputed, audited."""
        from sanzero.services import model_update

        obj.refresh_from_db()
        old = obj.get_status_display()
        probe = copy.copy(obj)
        for name, value in status.items():
            setattr(probe, name, value)
        data = {**status, "due_on": probe.compute_due_on(ctx.rules)}
        new = probe.get_status_display()
        reason = f"{IMPORT_REASON}：{old} → {new}" if old != new else f"{IMPORT_REASON}：更新办理情况"
        model_update(instance=obj, data=data, fields=list(data), actor=ctx.actor, reason=reason)


def _load(path: str):
    module, _, name = path.rpartition(".")
    from importlib import import_module

    return getattr(import_module(module), name)


def status_word(values: dict, choices, row: int, header: str = "状态") -> str | None:
    word = values.get("status")
    if word is not None and word not in choices:  # the Column already checks; a safety net
        raise RowInvalid(RowError(row, header, "应为以下之一：" + "、".join(choices)))
    return word


def check_forward(row: int, instance, new_status: str, forward: dict[str, set[str]], label: str) -> None:
    if instance is None or instance.status == new_status:
        return
    if new_status not in forward.get(instance.status, set()):
        raise RowInvalid(RowError(row, "状态", f"该{label}当前状态为“{instance.get_status_display()}”，"
                                              f"不能通过导入改为“{new_status}”"))


class DisputeKind(LedgerKind):
    name = "disputes"
    label = "矛盾纠纷"
    sheet_name = "矛盾纠纷"
    model_path = "disputes.models.Dispute"
    form_path = "disputes.forms.DisputeForm"
    create_path = "disputes.services.dispute_create"
    update_path = "disputes.services.dispute_update"
    date_field = "found_on"
    date_header = "登记日期"
    key_fields = ("category", "summary")
    service_fields = ("subject", "found_on", "category", "summary", "source", "parties", "people_count",
                      "risk_colour", "remarks")
    status_keys = ("status", "resolved_on")
    key_description = "所属区划代码 + 主体名称 + 登记日期 + 纠纷类别 + 简要情况"
    duplicate_header = "简要情况"
    notes = (
        "状态可填：调解中、已化解、调解不成、已移交；不填时，有化解日期的按已化解，否则新纠纷按调解中、已有纠纷保持原状态。",
        "已化解须填写化解日期；已移交须登记移交去向，请先导入为“调解不成”，再在系统中办理“移交”。",
        "状态只能向前推进（调解中 → 已化解/调解不成 → 已移交），不能通过导入退回。",
    )

    def columns(self):
        from disputes.choices import DisputeCategory, DisputeSource, DisputeStatus, RiskColour

        return [
            Column("登记日期", "found_on", required=True, kind="date"),
            Column("纠纷类别", "category", required=True, kind="choice", choices=DisputeCategory.values),
            Column("简要情况", "summary", required=True, max_length=2000),
            Column("来源", "source", kind="choice", choices=DisputeSource.values, help="不填为“网格排查”。"),
            Column("当事人", "parties", max_length=200, help="多名当事人用“、”分隔。"),
            Column("涉及人数", "people_count", kind="int", help="不填为2人。"),
            Column("风险等级", "risk_colour", kind="choice", choices=RiskColour.values, help="不填为“蓝”。"),
            Column("状态", "status", kind="choice", choices=DisputeStatus.values),
            Column("化解日期", "resolved_on", kind="date", help="状态为已化解时必填。"),
            Column("备注", "remarks", max_length=500),
        ]

    def plan_status(self, ctx, row, values, instance, payload):
        from disputes.choices import DisputeStatus
        from disputes.forms import ResolveForm
        from disputes.models import Dispute

        word = status_word(values, DisputeStatus.values, row)
        resolved_on = values.get("resolved_on")
        if word is None:
            if resolved_on is not None:
                word = DisputeStatus.RESOLVED
            elif instance is None:
                word = DisputeStatus.MEDIATING
            else:
                return {}
        errors = []
        if word == DisputeStatus.RESOLVED:
            if resolved_on is None:
                errors.append(RowError(row, "化解日期", "状态为“已化解”的纠纷须填写化解日期"))
            else:
                probe = Dispute(found_on=payload.get("found_on"))
                errors += step_form_errors(ResolveForm, {"resolved_on": resolved_on, "agreement_type": "书面",
                                                         "agreement": IMPORT_REASON}, probe, row,
                                           {"resolved_on": "化解日期"})
        elif resolved_on is not None:
            errors.append(RowError(row, "化解日期", f"只有状态为“已化解”的纠纷填写化解日期（当前状态为“{word}”）"))
        if word == DisputeStatus.TRANSFERRED and (instance is None or not instance.transfer_to):
            errors.append(RowError(row, "状态", "已移交的纠纷须有移交去向，导入表中没有此项：请先导入为“调解不成”，"
                                              "再在系统中办理“移交”"))
        if errors:
            raise RowInvalid(*errors)
        check_forward(row, instance, word, {
            DisputeStatus.MEDIATING: {DisputeStatus.RESOLVED, DisputeStatus.FAILED},
            DisputeStatus.FAILED: {DisputeStatus.TRANSFERRED},
        }, self.label)
        return {"status": word, "resolved_on": resolved_on if word == DisputeStatus.RESOLVED else None}


class HazardKind(LedgerKind):
    name = "hazards"
    label = "安全隐患"
    sheet_name = "安全隐患"
    model_path = "hazards.models.Hazard"
    form_path = "hazards.forms.HazardForm"
    create_path = "hazards.services.hazard_create"
    update_path = "hazards.services.hazard_update"
    date_field = "found_on"
    date_header = "发现日期"
    key_fields = ("category", "description")
    service_fields = ("subject", "found_on", "category", "level", "description", "rectify_due",
                      "responsible_person")
    status_keys = ("status", "rectified_on", "acceptor", "accepted_on")
    key_description = "所属区划代码 + 主体名称 + 发现日期 + 隐患类别 + 隐患描述"
    duplicate_header = "隐患描述"
    notes = (
        "整改期限不填时按期限设置自动计算（一般隐患7日，重大隐患30日）。",
        "状态可填：整改中、待验收、已销号；待验收须填写整改完成日期，已销号还须填写验收日期。",
        "验收人填写系统用户的姓名或用户名时记为该用户验收，否则记入验收意见。",
    )

    def columns(self):
        from hazards.choices import HazardCategory, HazardLevel, HazardStatus

        return [
            Column("发现日期", "found_on", required=True, kind="date"),
            Column("隐患类别", "category", required=True, kind="choice", choices=HazardCategory.values),
            Column("隐患等级", "level", required=True, kind="choice", choices=HazardLevel.values),
            Column("隐患描述", "description", required=True, max_length=2000),
            Column("整改期限", "rectify_due", kind="date", help="不填则按期限设置自动计算。"),
            Column("整改责任人", "responsible_person", max_length=50),
            Column("状态", "status", kind="choice", choices=HazardStatus.values),
            Column("整改完成日期", "rectified_on", kind="date"),
            Column("验收人", "acceptor", max_length=50),
            Column("验收日期", "accepted_on", kind="date"),
        ]

    def prepare_extra(self, ctx, rows):
        from django.contrib.auth import get_user_model

        names = {v["acceptor"] for _, v in rows if v.get("acceptor")}
        users: dict[str, list] = defaultdict(list)
        if names:
            User = get_user_model()
            for user in fetch_in(User.objects.filter(is_active=True), "username", names) + fetch_in(
                    User.objects.filter(is_active=True), "full_name", names):
                for label in {user.username, user.full_name} & names:
                    if user not in users[label]:
                        users[label].append(user)
        ctx.extra["users"] = users

    def effective(self, ctx, payload, instance):
        if payload.get("rectify_due") is None and payload.get("found_on"):
            from hazards.models import Hazard

            probe = Hazard(found_on=payload["found_on"], level=payload.get("level") or instance.level)
            return {**payload, "rectify_due": probe.default_rectify_due(ctx.rules)}
        return payload

    def plan_status(self, ctx, row, values, instance, payload):
        from hazards.choices import HazardStatus
        from hazards.forms import AcceptForm, RectifyForm
        from hazards.models import Hazard

        word = status_word(values, HazardStatus.values, row)
        rectified_on, accepted_on = values.get("rectified_on"), values.get("accepted_on")
        acceptor = values.get("acceptor")
        if word is None:
            if accepted_on is not None:
                word = HazardStatus.CLOSED
            elif rectified_on is not None:
                word = HazardStatus.AWAITING
            elif instance is None:
                word = HazardStatus.RECTIFYING
            else:
                return {}
        errors = []
        if word == HazardStatus.RECTIFYING:
            for key, header in (("rectified_on", "整改完成日期"), ("accepted_on", "验收日期"), ("acceptor", "验收人")):
                if values.get(key) is not None:
                    errors.append(RowError(row, header, f"状态为“整改中”的隐患不填写{header}"))
        else:
            if rectified_on is None:
                errors.append(RowError(row, "整改完成日期", f"状态为“{word}”的隐患须填写整改完成日期"))
            if word == HazardStatus.AWAITING:
                for key, header in (("accepted_on", "验收日期"), ("acceptor", "验收人")):
                    if values.get(key) is not None:
                        errors.append(RowError(row, header, f"状态为“待验收”的隐患尚未验收，不填写{header}"))
            elif accepted_on is None:
                errors.append(RowError(row, "验收日期", "状态为“已销号”的隐患须填写验收日期"))
        probe = Hazard(found_on=payload.get("found_on"), level=payload.get("level") or "一般",
                       rectified_on=rectified_on)
        if not errors and rectified_on is not None:
            errors += step_form_errors(RectifyForm, {"rectified_on": rectified_on}, probe, row,
                                       {"rectified_on": "整改完成日期"})
        if not errors and accepted_on is not None:
            errors += step_form_errors(AcceptForm, {"accepted_on": accepted_on}, probe, row, {"accepted_on": "验收日期"})
        accepted_by, note = None, None
        if not errors and acceptor:
            found = ctx.extra["users"].get(acceptor, [])
            if len(found) == 1:
                accepted_by = found[0]
                rectifier = instance.rectified_by_id if instance is not None else None
                if rectifier is not None and rectifier == accepted_by.pk:
                    errors.append(RowError(row, "验收人", "验收须由登记整改完成以外的人员进行"))
            else:
                note = f"验收人：{acceptor}"
        if errors:
            raise RowInvalid(*errors)
        check_forward(row, instance, word, {
            HazardStatus.RECTIFYING: {HazardStatus.AWAITING, HazardStatus.CLOSED},
            HazardStatus.AWAITING: {HazardStatus.CLOSED, HazardStatus.RECTIFYING},
        }, self.label)
        status = {"status": word,
                  "rectified_on": rectified_on if word != HazardStatus.RECTIFYING else None,
                  "accepted_on": accepted_on if word == HazardStatus.CLOSED else None}
        if word != HazardStatus.CLOSED:
            status["accepted_by"] = None
        elif acceptor:
            status["accepted_by"] = accepted_by
            if note is not None:
                status["acceptance_note"] = note
        return status


class AccidentKind(LedgerKind):
    name = "accidents"
    label = "事故"
    sheet_name = "事故"
    model_path = "hazards.models.Accident"
    form_path = "hazards.forms.AccidentForm"
    create_path = "hazards.services.accident_create"
    update_path = "hazards.services.accident_update"
    date_field = "occurred_on"
    date_header = "发生日期"
    key_fields = ("kind",)
    service_fields = ("subject", "occurred_on", "kind", "deaths", "injuries", "serious_injuries", "direct_loss",
                      "summary")
    key_description = "所属区划代码 + 主体名称 + 发生日期 + 事故类型"
    duplicate_header = "事故类型"
    notes = ("事故等级按死亡人数、重伤人数和直接经济损失自动确定（国务院令第493号），无需填写。",
             "受伤人数为全部受伤人数（含重伤）；重伤人数可不填，不填为0。")

    def columns(self):
        from hazards.choices import AccidentKind as Kinds

        return [
            Column("发生日期", "occurred_on", required=True, kind="date"),
            Column("事故类型", "kind", required=True, kind="choice", choices=Kinds.values),
            Column("死亡人数", "deaths", kind="int", help="不填为0。"),
            Column("受伤人数", "injuries", kind="int", help="全部受伤人数（含重伤）；不填为0。"),
            Column("重伤人数", "serious_injuries", kind="int", help="受伤人数中的重伤（含急性工业中毒）人数；不填为0。"),
            Column("直接经济损失(万元)", "direct_loss", kind="decimal", help="单位万元，最多两位小数；不填为0。"),
            Column("简要经过", "summary", max_length=2000),
        ]


class PetitionKind(LedgerKind):
    name = "petitions"
    label = "信访"
    sheet_name = "信访"
    model_path = "petitions.models.Petition"
    form_path = "petitions.forms.PetitionForm"
    create_path = "petitions.services.petition_create"
    update_path = "petitions.services.petition_update"
    date_field = "received_on"
    date_header = "登记日期"
    key_fields = ("petitioner_name", "content")
    service_fields = ("subject", "received_on", "channel", "type", "petitioner_name", "id_number", "phone",
                      "headcount", "level_reached", "is_skip_level", "is_abnormal", "content")
    status_keys = ("status", "replied_on", "closed_on", "satisfaction")
    key_description = "所属区划代码 + 主体名称 + 登记日期 + 信访人 + 诉求内容"
    duplicate_header = "诉求内容"
    notes = (
        "状态可填：办理中、已答复、已办结；已答复须填写答复日期，已办结还须填写办结日期和满意度。",
        "身份证号、联系电话属个人信息，导入后在列表中脱敏显示；身份证号请以文本格式填写（18位，校验位须正确）。",
        "越级访的到访层级至少为县。",
    )

    def columns(self):
        from petitions.choices import PetitionChannel, PetitionLevel, PetitionStatus, PetitionType, Satisfaction

        return [
            Column("登记日期", "received_on", required=True, kind="date"),
            Column("信访形式", "channel", required=True, kind="choice", choices=PetitionChannel.values),
            Column("信访类型", "type", kind="choice", choices=PetitionType.values, help="不填为“申诉求决”。"),
            Column("信访人", "petitioner_name", max_length=50, help="匿名检举可不填。"),
            Column("身份证号", "id_number", max_length=30),
            Column("联系电话", "phone", max_length=20),
            Column("人数", "headcount", kind="int", help="不填为1人；5人及以上计为集体访。"),
            Column("到访层级", "level_reached", kind="choice", choices=PetitionLevel.values, help="不填为“乡镇”。"),
            Column("是否越级", "is_skip_level", kind="bool"),
            Column("是否非正常访", "is_abnormal", kind="bool"),
            Column("诉求内容", "content", required=True, max_length=4000),
            Column("状态", "status", kind="choice", choices=PetitionStatus.values),
            Column("答复日期", "replied_on", kind="date"),
            Column("办结日期", "closed_on", kind="date"),
            Column("满意度", "satisfaction", kind="choice", choices=Satisfaction.values),
        ]

    def plan_status(self, ctx, row, values, instance, payload):
        from petitions.choices import PetitionStatus
        from petitions.forms import CloseForm, ReplyForm
        from petitions.models import Petition

        word = status_word(values, PetitionStatus.values, row)
        replied_on, closed_on = values.get("replied_on"), values.get("closed_on")
        satisfaction = values.get("satisfaction")
        if word is None:
            if closed_on is not None or satisfaction is not None:
                word = PetitionStatus.CLOSED
            elif replied_on is not None:
                word = PetitionStatus.REPLIED
            elif instance is None:
                word = PetitionStatus.HANDLING
            else:
                return {}
        errors = []
        if word == PetitionStatus.HANDLING and replied_on is not None:
            errors.append(RowError(row, "答复日期", "状态为“办理中”的信访不填写答复日期"))
        if word != PetitionStatus.HANDLING and replied_on is None:
            errors.append(RowError(row, "答复日期", f"状态为“{word}”的信访须填写答复日期"))
        if word == PetitionStatus.CLOSED:
            if closed_on is None:
                errors.append(RowError(row, "办结日期", "状态为“已办结”的信访须填写办结日期"))
            if satisfaction is None:
                errors.append(RowError(row, "满意度", "状态为“已办结”的信访须填写满意度"))
        else:
            for key, header in (("closed_on", "办结日期"), ("satisfaction", "满意度")):
                if values.get(key) is not None:
                    errors.append(RowError(row, header, f"只有状态为“已办结”的信访填写{header}（当前状态为“{word}”）"))
        probe = Petition(received_on=payload.get("received_on"), replied_on=replied_on)
        if not errors and replied_on is not None:
            errors += step_form_errors(ReplyForm, {"replied_on": replied_on}, probe, row, {"replied_on": "答复日期"})
        if not errors and closed_on is not None:
            errors += step_form_errors(CloseForm, {"closed_on": closed_on, "satisfaction": satisfaction}, probe, row,
                                       {"closed_on": "办结日期", "satisfaction": "满意度"})
        if errors:
            raise RowInvalid(*errors)
        check_forward(row, instance, word, {
            PetitionStatus.HANDLING: {PetitionStatus.REPLIED, PetitionStatus.CLOSED},
            PetitionStatus.REPLIED: {PetitionStatus.CLOSED},
        }, self.label)
        closed = word == PetitionStatus.CLOSED
        return {"status": word, "replied_on": replied_on,
                "closed_on": closed_on if closed else None, "satisfaction": satisfaction if closed else ""}


class CaseKind(LedgerKind):
    name = "cases"
    label = "刑事/治安案件"
    sheet_name = "刑事治安案件"
    model_path = "cases.models.PoliceCase"
    form_path = "cases.forms.PoliceCaseForm"
    create_path = "cases.services.police_case_create"
    update_path = "cases.services.police_case_update"
    date_field = "occurred_on"
    date_header = "发案日期"
    key_fields = ("kind", "cause")
    service_fields = ("subject", "occurred_on", "kind", "major_influence", "cause", "summary", "unit")
    key_description = "所属区划代码 + 主体名称 + 发案日期 + 案件类别 + 案由"
    duplicate_header = "案由"
    notes = ("“是否有重大影响”仅对治安案件填写；刑事案件一律计入零案件。",)

    def columns(self):
        from cases.choices import CaseKind as Kinds

        return [
            Column("发案日期", "occurred_on", required=True, kind="date"),
            Column("案件类别", "kind", required=True, kind="choice", choices=Kinds.values),
            Column("是否有重大影响", "major_influence", kind="bool", help="仅治安案件填写。"),
            Column("案由", "cause", max_length=100),
            Column("简要案情", "summary", max_length=2000),
            Column("办案单位", "unit", max_length=100),
        ]

    def row_warnings(self, row, values, payload):
        from cases.choices import CaseKind as Kinds

        if values.get("kind") == Kinds.CRIMINAL and values.get("major_influence"):
            return [RowError(row, "是否有重大影响", "刑事案件不填写此项（一律计入零案件），已按“否”处理")]
        return []


# -- targets ----------------------------------------------------------------------------------------

TARGET_GROUP_WORDS = {"村(社区)": "village", "单位(企业)": "unit"}
TARGET_YEARS = (2000, 2100)


@dataclass
class TargetContext:
    actor: Any
    regions: dict
    scope_codes: set
    existing: dict


class TargetKind(ImportKind):
    name = "targets"
    label = "年度目标"
    roles = frozenset({Role.ADMIN, Role.COUNTY})
    key_description = "年度 + 区划代码 + 主体分组"
    duplicate_header = "主体分组"
    notes = ("目标达标率可填0.8、80或80%，按“年度累计”达标率比较。",)

    def spec(self) -> SheetSpec:
        return SheetSpec("年度目标", [
            Column("年度", "year", required=True, kind="int", help="如2026。"),
            Column("区划代码", "region", required=True, max_length=15),
            Column("主体分组", "group", required=True, kind="choice", choices=list(TARGET_GROUP_WORDS)),
            Column("目标达标率", "rate", required=True, kind="rate"),
        ])

    def prepare(self, *, actor, rows):
        from dashboards.models import Target
        from units.models import Region

        codes = {v["region"] for _, v in rows}
        regions = {r.code: r for r in fetch_in(Region.objects.all(), "code", codes)}
        scope_codes = values_in(Region.objects.for_user(actor, "view"), "code", codes, "code")
        years = {v["year"] for _, v in rows}
        existing = {}
        for target in fetch_in(Target.objects.filter(year__in=years), "region_id", [r.pk for r in regions.values()]):
            existing[(target.year, target.region_id, target.group)] = target
        return TargetContext(actor=actor, regions=regions, scope_codes=scope_codes, existing=existing)

    def plan(self, ctx: TargetContext, row: int, values: dict) -> RowPlan:
        from dashboards.models import Target

        year, code = values["year"], values["region"]
        group, rate = TARGET_GROUP_WORDS[values["group"]], values["rate"]
        errors = []
        if not TARGET_YEARS[0] <= year <= TARGET_YEARS[1]:
            errors.append(RowError(row, "年度", f"年度应在{TARGET_YEARS[0]}–{TARGET_YEARS[1]}之间"))
        region = ctx.regions.get(code)
        if region is None:
            errors.append(RowError(row, "区划代码", f"区划代码“{code}”不存在"))
        elif code not in ctx.scope_codes:
            raise RowInvalid(RowError(row, "区划代码", f"“{region.name}”（{code}）不在您的管辖范围内"),
                             out_of_scope=True)
        if errors:
            raise RowInvalid(*errors)
        probe = Target(year=year, region=region, group=group, rate=rate)
        try:
            probe.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise RowInvalid(*validation_errors(exc, row, {"year": "年度", "region": "区划代码", "group": "主体分组",
                                                           "rate": "目标达标率", "__all__": "目标达标率"})) from None
        existing = ctx.existing.get((year, region.pk, group))
        key = (year, code, group)
        data = {"year": year, "region": region, "group": group, "rate": rate}
        if existing is None:
            return RowPlan(row, key, NEW, data=data)
        return RowPlan(row, key, UNCHANGED if existing.rate == rate else CHANGED, instance=existing, data=data)

    def write(self, ctx: TargetContext, plan: RowPlan) -> None:
        from dashboards.services import target_set

        if plan.action in (NEW, CHANGED):
            target_set(actor=ctx.actor, **plan.data)


# -- the registry -----------------------------------------------------------------------------------

KINDS: dict[str, ImportKind] = {
    kind.name: kind
    for kind in (RegionKind(), SubjectKind(), DisputeKind(), HazardKind(), AccidentKind(), PetitionKind(),
                 CaseKind(), TargetKind())
}
KIND_NAMES = tuple(KINDS)


def register_kind(kind: ImportKind) -> None:
    """A kind another module adds (节假日安排: sanzero.holidays.importing), from an AppConfig.ready()."""
    global KIND_NAMES
    KINDS[kind.name] = kind
    KIND_NAMES = tuple(KINDS)


def get_kind(name: str) -> ImportKind:
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"未知的导入类型“{name}”，可选：{', '.join(KIND_NAMES)}") from None


def kinds_for(user) -> list[ImportKind]:
    """The kinds the user's role may import, in the handbook's order."""
    return [kind for kind in KINDS.values() if kind.allowed(user)]


__all__ = [
    "CHANGED", "KINDS", "KIND_NAMES", "NEW", "UNCHANGED", "ImportKind", "RowInvalid", "RowPlan", "get_kind",
    "kinds_for", "register_kind",
]
