"""The 年度目标 import sheet (DESIGN §7), registered by dashboards' AppConfig."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from sanzero.importing.base import (
    CHANGED,
    NEW,
    UNCHANGED,
    ImportKind,
    RowInvalid,
    RowPlan,
    fetch_in,
    validation_errors,
    values_in,
)
from sanzero.roles import Role
from sanzero.xlsx import Column, RowError, SheetSpec

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
    position = 80
    label = "年度目标"
    roles = frozenset({Role.ADMIN, Role.COUNTY})
    key_description = "年度 + 区划代码 + 主体分组"
    duplicate_header = "主体分组"
    notes = ("目标达标率可填0.8、80或80%，按“年度累计”达标率比较。",)

    def spec(self) -> SheetSpec:
        return SheetSpec(
            "年度目标",
            [
                Column("年度", "year", required=True, kind="int", help="如2026。"),
                Column("区划代码", "region", required=True, max_length=15),
                Column("主体分组", "group", required=True, kind="choice", choices=list(TARGET_GROUP_WORDS)),
                Column("目标达标率", "rate", required=True, kind="rate"),
            ],
        )

    def prepare(self, *, actor, rows):
        from units.models import Region

        from .models import Target

        codes = {v["region"] for _, v in rows}
        regions = {r.code: r for r in fetch_in(Region.objects.all(), "code", codes)}
        scope_codes = values_in(Region.objects.for_user(actor, "view"), "code", codes, "code")
        years = {v["year"] for _, v in rows}
        existing = {}
        for target in fetch_in(Target.objects.filter(year__in=years), "region_id", [r.pk for r in regions.values()]):
            existing[(target.year, target.region_id, target.group)] = target
        return TargetContext(actor=actor, regions=regions, scope_codes=scope_codes, existing=existing)

    def plan(self, ctx: TargetContext, row: int, values: dict) -> RowPlan:
        from .models import Target

        year, code = values["year"], values["region"]
        group, rate = TARGET_GROUP_WORDS[values["group"]], values["rate"]
        errors = []
        if not TARGET_YEARS[0] <= year <= TARGET_YEARS[1]:
            errors.append(RowError(row, "年度", f"年度应在{TARGET_YEARS[0]}–{TARGET_YEARS[1]}之间"))
        region = ctx.regions.get(code)
        if region is None:
            errors.append(RowError(row, "区划代码", f"区划代码“{code}”不存在"))
        elif code not in ctx.scope_codes:
            raise RowInvalid(
                RowError(row, "区划代码", f"“{region.name}”（{code}）不在您的管辖范围内"), out_of_scope=True
            )
        if errors:
            raise RowInvalid(*errors)
        probe = Target(year=year, region=region, group=group, rate=rate)
        try:
            probe.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise RowInvalid(
                *validation_errors(
                    exc,
                    row,
                    {
                        "year": "年度",
                        "region": "区划代码",
                        "group": "主体分组",
                        "rate": "目标达标率",
                        "__all__": "目标达标率",
                    },
                )
            ) from None
        existing = ctx.existing.get((year, region.pk, group))
        key = (year, code, group)
        data = {"year": year, "region": region, "group": group, "rate": rate}
        if existing is None:
            return RowPlan(row, key, NEW, data=data)
        return RowPlan(row, key, UNCHANGED if existing.rate == rate else CHANGED, instance=existing, data=data)

    def write(self, ctx: TargetContext, plan: RowPlan) -> None:
        from .services import target_set

        if plan.action in (NEW, CHANGED):
            target_set(actor=ctx.actor, **plan.data)
