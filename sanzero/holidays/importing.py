"""``import_xlsx holidays``: the 节假日安排 as an Excel sheet, one day a row (日期*, 类型*, 名称*).

All rows or none, like every kind (sanzero.importing.engine): the date is the natural key, so a day
already entered takes the row's kind and name and importing the same file again changes nothing.
Oddities (a make-up workday on a weekday, a holiday whose rest days are all weekend days, a year
the package covers that the file turns into an entered one) are warnings, never refusals. Who may
import: 系统管理员 and 县平安办, the editors of the 节假日安排 page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sanzero import workdays
from sanzero.importing.base import CHANGED, IMPORT_REASON, NEW, UNCHANGED, ImportKind, RowInvalid, RowPlan
from sanzero.models import Holiday, HolidayKind
from sanzero.roles import Role
from sanzero.xlsx import Column, RowError, SheetSpec

from .services import COMMON_NAMES, NAME_MAX, YEARS, day_text, holidays_import


@dataclass
class HolidayContext:
    actor: Any
    existing: dict
    warnings: dict[int, list[str]] = field(default_factory=dict)


class HolidayImportKind(ImportKind):
    name = "holidays"
    position = 90
    label = "节假日安排"
    roles = frozenset({Role.ADMIN, Role.COUNTY})
    key_description = "日期"
    duplicate_header = "日期"
    notes = (
        "每天一行：放假的每一天（含其中的周六、周日）和每个调休上班日各占一行。类型只能填“放假”或“调休上班”。",
        "系统中已录入的日期按本表更新类型和名称；表中没有的日期不受影响（删除请在“节假日安排”页面操作）。",
        "某年一旦录入，该年的工作日完全以录入为准（录入的放假日休息、调休上班日上班，其余按周一至周五），"
        "chinesecalendar的该年数据不再使用，所以请录入该年全部日期。",
        "导入后，已登记台账的期限不会自动改变：请在“节假日安排”页面点击“重新计算期限”。",
    )

    def spec(self) -> SheetSpec:
        return SheetSpec(
            "节假日安排",
            [
                Column("日期", "date", required=True, kind="date", help="如2027-01-01。"),
                Column("类型", "kind", required=True, kind="choice", choices=HolidayKind.values),
                Column(
                    "名称",
                    "name",
                    required=True,
                    max_length=NAME_MAX,
                    help="所属节日，如" + "、".join(COMMON_NAMES) + "。",
                ),
            ],
        )

    def prepare(self, *, actor, rows):
        days = {values["date"] for _, values in rows}
        existing = {h.date: h for h in Holiday.objects.filter(date__in=days)}
        ctx = HolidayContext(actor=actor, existing=existing)
        entered = workdays.entered_years()
        first_of_year: dict[int, int] = {}
        rest_by_name: dict[tuple[int, str], list[tuple[int, Any]]] = defaultdict(list)
        for row, values in rows:
            day = values["date"]
            first_of_year.setdefault(day.year, row)
            if values["kind"] == HolidayKind.REST:
                rest_by_name[(day.year, " ".join(values["name"].split()))].append((row, day))
        for year, row in first_of_year.items():
            if year not in entered and workdays.package_covers(year):
                ctx.warnings.setdefault(row, []).append(
                    f"{year}年原由chinesecalendar提供节假日安排；导入后该年完全以录入的日期为准，请确认表中有该年全部日期"
                )
        for (_, name), found in rest_by_name.items():
            if all(day.weekday() >= 5 for _, day in found):
                ctx.warnings.setdefault(found[0][0], []).append(
                    f"“{name}”的放假日期均为周六、周日，本来就是休息日，请核对"
                )
        return ctx

    def plan(self, ctx: HolidayContext, row: int, values: dict) -> RowPlan:
        day, kind, name = values["date"], values["kind"], " ".join(values["name"].split())
        if not YEARS[0] <= day.year <= YEARS[1]:
            raise RowInvalid(RowError(row, "日期", f"日期应在{YEARS[0]}年至{YEARS[1]}年之间"))
        warnings = [RowError(row, None, text) for text in ctx.warnings.get(row, [])]
        if kind == HolidayKind.WORK and day.weekday() < 5:
            warnings.append(RowError(row, "日期", f"{day_text(day)}本来就是工作日；调休上班一般在周六或周日，请核对"))
        data = {"date": day, "kind": kind, "name": name}
        current = ctx.existing.get(day)
        if current is None:
            return RowPlan(row, (day,), NEW, data=data, warnings=warnings)
        action = UNCHANGED if (current.kind, current.name) == (kind, name) else CHANGED
        return RowPlan(
            row, (day,), action, instance=current, data=data, warnings=warnings if action != UNCHANGED else []
        )

    # One service call (one stamp bump) for all the rows; never more than a few hundred.
    write_batch = 5000

    def write_many(self, ctx: HolidayContext, plans: list[RowPlan]) -> None:
        holidays_import(
            actor=ctx.actor,
            reason=IMPORT_REASON,
            rows=[(p.data["date"], p.data["kind"], p.data["name"]) for p in plans],
        )


def register() -> None:
    from sanzero.importing.base import register_kind

    register_kind(HolidayImportKind())
