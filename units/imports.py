"""The region and subject import sheets (DESIGN §7), registered by units' AppConfig."""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from sanzero.importing.base import (
    BLANK_NOTE,
    CHANGED,
    IMPORT_REASON,
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
    validation_errors,
    values_in,
)
from sanzero.xlsx import Column, RowError, SheetSpec

# -- regions ----------------------------------------------------------------------------------------

REGION_LEVEL_WORDS = {
    "省": "province",
    "市": "city",
    "县": "county",
    "乡镇": "township",
    "街道": "township",
    "村": "village",
    "社区": "community",
    "网格": "grid",
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
    position = 10
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
        return SheetSpec(
            "行政区划",
            [
                Column(
                    "区划代码",
                    "code",
                    required=True,
                    max_length=15,
                    help="12位统计用区划代码（网格15位），如 330102001001。",
                ),
                Column("名称", "name", required=True, max_length=60),
                Column("层级", "level", required=True, kind="choice", choices=list(REGION_LEVEL_WORDS)),
                Column("上级区划代码", "parent", max_length=15, help="上级区划的代码；县及以上的根区划可不填。"),
            ],
        )

    def prepare(self, *, actor, rows):
        from .models import Region

        codes = {v["code"] for _, v in rows} | {v["parent"] for _, v in rows if v.get("parent")}
        existing = {r.code: r for r in fetch_in(Region.objects.all(), "code", codes)}
        file_rows = {}
        for row, values in rows:
            file_rows.setdefault(values["code"], (row, values))
        return RegionContext(actor=actor, existing=existing, file_rows=file_rows)

    def _probe(self, ctx: RegionContext, code: str, seen: frozenset = frozenset()):
        """The parent named by a code: a saved region, or an unsaved one described by a file row."""
        from .models import Region

        if code in ctx.existing:
            return ctx.existing[code]
        if code in ctx.file_rows and code not in seen:
            _, values = ctx.file_rows[code]
            parent_code = values.get("parent")
            parent = self._probe(ctx, parent_code, seen | {code}) if parent_code else None
            return Region(code=code, name=values["name"], level=REGION_LEVEL_WORDS[values["level"]], parent=parent)
        return None

    def plan(self, ctx: RegionContext, row: int, values: dict) -> RowPlan:
        from .models import Region, RegionLevel

        code, name = values["code"], values["name"]
        level = REGION_LEVEL_WORDS[values["level"]]
        parent_code = values.get("parent")
        parent = None
        if parent_code:
            if parent_code == code:
                raise RowInvalid(RowError(row, "上级区划代码", "上级区划代码不能与本区划代码相同"))
            parent = self._probe(ctx, parent_code)
            if parent is None:
                raise RowInvalid(
                    RowError(row, "上级区划代码", f"上级区划“{parent_code}”不存在（系统和本文件中都没有）")
                )
        existing = ctx.existing.get(code)
        if existing is not None:
            errors = []
            if existing.level != level:
                errors.append(
                    RowError(
                        row,
                        "层级",
                        f"区划代码已存在，层级为“{existing.get_level_display()}”；导入只能修改名称，不能修改层级",
                    )
                )
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
        return RowPlan(
            row, (code,), NEW, data={"code": code, "name": name, "level": level, "parent_code": parent_code or None}
        )

    def order(self, plans: list[RowPlan]) -> list[RowPlan]:
        """Parents before children: by level, then code."""
        from .models import LEVEL_RANK

        return sorted(plans, key=lambda p: (LEVEL_RANK.get(p.data.get("level"), -1), p.key))

    def write(self, ctx: RegionContext, plan: RowPlan) -> None:
        from . import services

        if plan.action == NEW:
            parent = None
            code = plan.data["parent_code"]
            if code:
                parent = ctx.created.get(code) or ctx.existing.get(code)
            region = services.region_create(
                actor=ctx.actor, code=plan.data["code"], name=plan.data["name"], level=plan.data["level"], parent=parent
            )
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
    position = 20
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
        "经度、纬度（可选）用于“一张图”标注主体位置，须同时填写；文件中没有这两列时保留已登记的坐标。",
    )

    def spec(self) -> SheetSpec:
        from .models import Category, Department

        categories = list(Category.objects.order_by("sort_order", "id").values_list("name", flat=True))
        departments = list(Department.objects.order_by("id").values_list("name", flat=True))
        return SheetSpec(
            "创建主体",
            [
                Column("主体名称", "name", required=True, max_length=100),
                Column("主体类别", "category", required=True, **_choice_or_text(categories)),
                Column(
                    "所属区划代码",
                    "region",
                    required=True,
                    max_length=15,
                    help="主体所在乡镇(街道)、村或社区的12位代码。",
                ),
                Column("统一社会信用代码", "credit_code", max_length=30, help="18位，可不填。"),
                Column(
                    "主管部门", "department", **_choice_or_text(departments), help="不填则按主体类别的默认主管部门。"
                ),
                Column("负责人", "responsible_person", max_length=50),
                Column("联系电话", "phone", max_length=20, help="手机11位，或固定电话如0351-1234567。"),
                Column("地址", "address", max_length=200),
                Column("纳入日期", "joined_on", kind="date", help="不填表示一直在创建范围内。"),
                Column("退出日期", "left_on", kind="date", help="填写则办理退出创建。"),
                # optional, after DESIGN §7's columns: where the subject is on the 一张图 map
                Column(
                    "经度",
                    "longitude",
                    kind="decimal",
                    allow_negative=True,
                    help="十进制度数，如113.1163（与区划边界同一坐标系）；与纬度同时填写，可不填。",
                ),
                Column("纬度", "latitude", kind="decimal", allow_negative=True, help="十进制度数，如36.1954。"),
            ],
        )

    def headers(self) -> dict[str, str]:
        return {**super().headers(), "__all__": "主体名称", "confirm_credit_code": "统一社会信用代码"}

    def prepare(self, *, actor, rows):
        from .forms import SUBJECT_REGION_LEVELS
        from .models import Category, Department, Region, Subject

        codes = {v["region"] for _, v in rows}
        names = {v["name"] for _, v in rows}
        regions = {r.code: r for r in fetch_in(Region.objects.all(), "code", codes)}
        scope_codes = values_in(
            Region.objects.for_user(actor, "view").filter(level__in=SUBJECT_REGION_LEVELS), "code", codes, "code"
        )
        existing: dict[tuple, list] = defaultdict(list)
        region_ids = {r.pk for r in regions.values()}
        for part in chunked(names):
            qs = Subject.objects.filter(name__in=part, region_id__in=region_ids).select_related(
                "region", "category", "department"
            )
            for subject in qs:
                existing[(subject.region_id, subject.name)].append(subject)
        ids = [s.pk for group in existing.values() for s in group]
        changeable = values_in(Subject.objects.for_user(actor, "change"), "pk", ids)
        cache = ChoiceCache(restrict={"region": {r.pk for r in regions.values()}})
        return SubjectContext(
            actor=actor,
            categories={c.name: c for c in Category.objects.select_related("default_department")},
            departments={d.name: d for d in Department.objects.all()},
            regions=regions,
            scope_codes=scope_codes,
            existing=existing,
            changeable=changeable,
            cache=cache,
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
        from .forms import DeregisterForm, SubjectForm
        from .models import Subject
        from .services import SUBJECT_FIELDS

        headers = self.headers()
        code, name = values["region"], values["name"]
        region = ctx.regions.get(code)
        if region is None:
            raise RowInvalid(RowError(row, "所属区划代码", f"区划代码“{code}”不存在"))
        if code not in ctx.scope_codes:
            if not region.is_village_level and region.level != "township":
                raise RowInvalid(
                    RowError(
                        row,
                        "所属区划代码",
                        f"“{region.name}”是{region.get_level_display()}级区划；创建主体应登记在乡镇(街道)、村或社区",
                    )
                )
            raise RowInvalid(
                RowError(row, "所属区划代码", f"“{region.name}”（{code}）不在您的管辖范围内"), out_of_scope=True
            )
        instance = self._match(ctx, region, name, values)
        if instance is not None and instance.pk not in ctx.changeable:
            raise RowInvalid(RowError(row, "主体名称", f"“{name}”不在您可修改的范围内"), out_of_scope=True)

        category = ctx.categories.get(values["category"])
        if category is None:  # only when the category list is empty at spec time
            raise RowInvalid(RowError(row, "主体类别", f"主体类别“{values['category']}”不存在"))
        errors = []
        if instance is not None and instance.village_region_id and instance.category_id != category.pk:
            errors.append(
                RowError(row, "主体类别", f"村(社区)区划对应的主体不能改为其他类别（当前为“{instance.category.name}”）")
            )
        department = None
        if "department" in values and values["department"]:
            department = ctx.departments.get(values["department"])
            if department is None:
                errors.append(RowError(row, "主管部门", f"主管部门“{values['department']}”不存在"))

        if instance is not None:
            data = {f: getattr(instance, instance._meta.get_field(f).attname) for f in SubjectForm._meta.fields}
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
        for key in ("longitude", "latitude"):  # a file without the column keeps the stored coordinates
            if key in values:
                data[key] = values[key]
        form = ctx.cache.bind(
            import_form(SubjectForm)(data, user=ctx.actor, instance=copy.copy(instance) if instance else None)
        )
        if not form.is_valid():
            errors.extend(form_errors(form, row, headers))
        if errors:
            raise RowInvalid(*errors)
        payload = form.service_data()

        if "left_on" in values:
            left_on = values["left_on"]
            if left_on is not None and not (instance is not None and instance.left_on == left_on):
                probe = Subject(
                    name=name, joined_on=payload.get("joined_on", None if instance is None else instance.joined_on)
                )
                step = DeregisterForm({"left_on": left_on, "reason": IMPORT_REASON}, subject=probe)
                if not step.is_valid() and "left_on" in step.errors:
                    raise RowInvalid(*[RowError(row, "退出日期", str(m)) for m in step.errors["left_on"]])
            payload["left_on"] = left_on

        warnings = []
        if payload.get("credit_code_warning") and (instance is None or instance.credit_code != payload["credit_code"]):
            warnings.append(
                RowError(
                    row,
                    "统一社会信用代码",
                    f"“{payload['credit_code']}”校验位不正确；确认导入即视为已核对，主体将标记为“校验位未通过（已确认）”",
                )
            )
        key = (code, name)
        if instance is None:
            return RowPlan(row, key, NEW, data=payload, warnings=warnings)
        changed = changed_fields(instance, payload, SUBJECT_FIELDS)
        return RowPlan(
            row,
            key,
            CHANGED if changed else UNCHANGED,
            instance=instance,
            data=payload,
            warnings=warnings if changed else [],
        )

    #: rows written per call of the bulk service (progress is reported between batches)
    write_batch = 1000

    def write_many(self, ctx: SubjectContext, plans: list[RowPlan]) -> None:
        """Thousands of subjects: the bulk service (same rules, one audit entry per subject)."""
        from . import services

        services.subjects_bulk_save(
            actor=ctx.actor,
            creates=[p.data for p in plans if p.action == NEW],
            updates=[(p.instance, p.data) for p in plans if p.action == CHANGED],
            reason=IMPORT_REASON,
        )


def _choice_or_text(choices: list[str]) -> dict:
    """A drop-down of the values in the database; a text column when there are none yet."""
    return {"kind": "choice", "choices": choices} if choices else {"max_length": 60}
