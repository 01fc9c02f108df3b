"""The committee report (DESIGN §7): one .xlsx from the monthly snapshots of a region and its children.

`build_report` reads RegionMonth (and the Region rows it joins) only — never a ledger table — and
writes four sheets:

- 汇总表: the print-ready table (title, period, two-row merged headers, one row per child region, a
  本级直属 row when the region's own subjects are not in any child, a 合计 row, the signature footer;
  A4 landscape, fit to width, repeated header rows, frozen header);
- 达标数据 (年度累计) and 月度数据 (本月): one row per (region, group);
- 台账数据 (年度累计): one row per region.

Rates are written as numbers (fractions) formatted as percentages; a rate over an empty denominator
is an empty cell, never 0%.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from dashboards.models import ALL_GROUPS, GROUP_CHOICES, DepartmentMonth, Period, RegionMonth, figures_for, month_end
from dashboards.params import parse_month as _month_or_none
from sanzero.rates import Rate
from sanzero.roles import Role
from sanzero.scoping import user_scope
from sanzero.xlsx.writer import display_width, keep_text_as_text, print_a4_landscape
from units.models import Region, TargetGroup, parse_region_code

REPORT_ROLES = frozenset({Role.ADMIN, Role.COUNTY, Role.CLERK, Role.DEPARTMENT})
GROUP_ORDER = [g for g, _ in GROUP_CHOICES]  # 全部, 村(社区), 单位(企业)
GROUP_LABELS = dict(GROUP_CHOICES)

SUMMARY_SHEET = "汇总表"
YTD_SHEET = "达标数据"
MONTH_SHEET = "月度数据"
LEDGER_SHEET = "台账数据"

DATA_HEADERS = [
    "区划代码",
    "区域名称",
    "层级",
    "主体分组",
    "主体总数",
    "三零达标数",
    "三零达标率",
    "零上访达标数",
    "零上访达标率",
    "零事故达标数",
    "零事故达标率",
    "零案件达标数",
    "零案件达标率",
    "年度目标",
    "目标差距",
]
LEDGER_HEADERS = [
    "区划代码",
    "区域名称",
    "矛盾纠纷排查数",
    "矛盾纠纷化解数",
    "矛盾纠纷化解率",
    "安全隐患排查数",
    "安全隐患整改数",
    "安全隐患整改率",
    "信访件数",
    "信访办结数",
    "信访办结率",
    "超期未办结数",
    # after DESIGN §7's columns (issue 14): the 治安问题 found in 排查 and solved
    "治安问题排查数",
    "治安问题解决数",
    "治安问题解决率",
]

PERCENT = "0.0%"
FONT_NAME = "宋体"
THIN = Side(style="thin", color="FF000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="FFF2F2F2")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", indent=1)

COUNT_FIELDS = ("total", "passed", "petition_ok", "accident_ok", "case_ok")
LEDGER_FIELDS = (
    "disputes_found",
    "disputes_resolved",
    "hazards_found",
    "hazards_rectified",
    "petitions_count",
    "petitions_closed",
    "overdue_open",
    "public_order_found",
    "public_order_solved",
)


class ReportError(Exception):
    """Why a report cannot be built (shown to the user as it is, in Chinese)."""


def month_label(month: datetime.date) -> str:
    return f"{month.year}年{month.month}月"


def parse_month(value: str | None) -> datetime.date:
    month = _month_or_none((value or "").strip())
    if month is None:
        raise ReportError(f"月份“{value or ''}”格式不正确，应为YYYY-MM，如2026-10。")
    if not 2000 <= month.year <= 2100:
        raise ReportError(f"月份“{value}”超出范围。")
    return month


def report_title(region: Region, month: datetime.date, department=None) -> str:
    """汇总表's title: a department's report counts the subjects it supervises only."""
    whose = f"{department.name}主管主体" if department is not None else ""
    return f"{region.name}{whose}{month_label(month)}“三零”创建达标情况汇总表"


def report_filename(region: Region, month: datetime.date, department=None) -> str:
    whose = f"{department.name}主管主体" if department is not None else ""
    return f"{region.name}{whose}{month_label(month)}三零创建达标情况汇总表.xlsx"


# --- the data: snapshot rows only ----------------------------------------------------------------


@dataclass
class Figures:
    """One (region, group, period)'s counts, rates and target — a RegionMonth, or a difference of two."""

    total: int = 0
    passed: int = 0
    petition_ok: int = 0
    accident_ok: int = 0
    case_ok: int = 0
    target: Decimal | None = None
    disputes_found: int = 0
    disputes_resolved: int = 0
    hazards_found: int = 0
    hazards_rectified: int = 0
    petitions_count: int = 0
    petitions_closed: int = 0
    overdue_open: int = 0
    public_order_found: int = 0
    public_order_solved: int = 0

    @classmethod
    def of(cls, row: RegionMonth | None) -> Figures:
        if row is None:
            return cls()
        return cls(**{f: getattr(row, f) for f in (*COUNT_FIELDS, *LEDGER_FIELDS, "target")})

    def minus(self, others: list[Figures]) -> Figures:
        values = {f: getattr(self, f) - sum(getattr(o, f) for o in others) for f in (*COUNT_FIELDS, *LEDGER_FIELDS)}
        return Figures(**values, target=self.target)

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f) for f in (*COUNT_FIELDS, *LEDGER_FIELDS))

    rate = property(lambda self: _rate(self.passed, self.total))
    petition_rate = property(lambda self: _rate(self.petition_ok, self.total))
    accident_rate = property(lambda self: _rate(self.accident_ok, self.total))
    case_rate = property(lambda self: _rate(self.case_ok, self.total))
    dispute_rate = property(lambda self: _rate(self.disputes_resolved, self.disputes_found))
    hazard_rate = property(lambda self: _rate(self.hazards_rectified, self.hazards_found))
    petition_close_rate = property(lambda self: _rate(self.petitions_closed, self.petitions_count))
    public_order_rate = property(lambda self: _rate(self.public_order_solved, self.public_order_found))

    @property
    def gap(self) -> Decimal | None:
        rate = self.rate
        return None if rate is None else rate.gap_to(self.target)


def _rate(numerator: int, denominator: int) -> Decimal | None:
    # the same rounding as the dashboards (RegionMonth.rate_of): 4 decimals, empty over an empty denominator
    return RegionMonth.rate_of(numerator, denominator)


@dataclass
class ReportData:
    region: Region
    month: datetime.date
    regions: list[Region]  # the chosen region first, then its children by code
    rows: dict[tuple[int, str, str], Figures] = field(default_factory=dict)  # (region id, group, period)
    computed_at: datetime.datetime | None = None
    department: Any = None  # a department's report: only the subjects it supervises

    @property
    def children(self) -> list[Region]:
        return self.regions[1:]

    def get(self, region: Region, group: str, period: str = Period.YTD) -> Figures | None:
        return self.rows.get((region.pk, group, period))

    def direct(self, group: str) -> Figures | None:
        """The region's own subjects that sit in no child (a township's schools): region − Σ children."""
        own = self.get(self.region, group)
        if own is None:
            return None
        return own.minus([f for c in self.children if (f := self.get(c, group)) is not None])

    @property
    def has_direct(self) -> bool:
        rest = self.direct(ALL_GROUPS)
        return bool(self.children) and rest is not None and not rest.empty


def resolve_region(region: Region | str) -> Region:
    if isinstance(region, Region):
        return region
    code = parse_region_code(region)
    found = Region.objects.filter(code=code).first() if code else None
    if found is None:
        raise ReportError(f"区划代码“{(region or '').strip()}”不存在。")
    return found


def load_report_data(*, user_or_none, region: Region | str, month: datetime.date, department=None) -> ReportData:
    """The snapshot rows of the region and its direct children (one query), scoped to the user: a
    department user (or ``department``, for the command) gets its own subjects' rows."""
    region = resolve_region(region)
    month = month.replace(day=1)
    rows = RegionMonth.objects.all() if department is None else DepartmentMonth.objects.filter(department=department)
    if user_or_none is not None:
        scope = user_scope(user_or_none)
        if scope.role not in REPORT_ROLES:
            raise ReportError("您的角色不能导出委员会报表。")
        if not scope.unrestricted and not any(region.code.startswith(p) for p in scope.prefixes):
            raise ReportError(f"“{region.name}”不在您的管辖范围内。")
        rows = figures_for(user_or_none)
        department = user_or_none.department if scope.department_id else None
    rows = list(
        rows.filter(month=month)
        .filter(Q(region=region) | Q(region__parent=region))
        .select_related("region")
        .order_by("region__code", "group", "period")
    )
    if not any(r.region_id == region.pk for r in rows):
        if department is not None and RegionMonth.objects.filter(region=region, month=month).exists():
            raise ReportError(f"{region.name}{month_label(month)}没有{department.name}主管的创建主体，无数据可导出。")
        raise ReportError(
            f"{region.name}{month_label(month)}尚未计算月度快照，无法生成报表。"
            f"请先在“达标统计”页面重新计算该月，或运行 compute_snapshots --month {month:%Y-%m}。"
        )
    regions = {r.region_id: r.region for r in rows}
    ordered = [regions[region.pk], *sorted((r for pk, r in regions.items() if pk != region.pk), key=lambda r: r.code)]
    data = ReportData(
        region=ordered[0],
        month=month,
        regions=ordered,
        computed_at=max(r.computed_at for r in rows),
        department=department,
    )
    for r in rows:
        data.rows[(r.region_id, r.group, r.period)] = Figures.of(r)
    return data


# --- writing -------------------------------------------------------------------------------------


def build_report(
    *,
    user_or_none,
    region: Region | str,
    month: datetime.date,
    stream_or_path: str | IO[bytes] | Any,
    prepared_by: str = "",
    today: datetime.date | None = None,
    department=None,
) -> ReportData:
    """Write the committee report for `region` and `month` (raises ReportError, writing nothing)."""
    data = load_report_data(user_or_none=user_or_none, region=region, month=month, department=department)
    today = today or timezone.localdate()
    wb = Workbook()
    wb.properties.title = report_title(data.region, data.month, data.department)
    wb.properties.creator = "三零创建管理系统"
    summary = wb.active
    summary.title = SUMMARY_SHEET
    _write_summary(summary, data, prepared_by=prepared_by, today=today)
    _write_groups(wb.create_sheet(YTD_SHEET), data, Period.YTD)
    _write_groups(wb.create_sheet(MONTH_SHEET), data, Period.MONTH)
    _write_ledgers(wb.create_sheet(LEDGER_SHEET), data)
    wb.active = 0
    keep_text_as_text(wb)  # region and subject names are typed by users: never a live formula
    wb.save(stream_or_path)
    return data


def _num(value):
    """Decimals become floats (Excel numbers); None stays an empty cell. A rate is written so that its
    "0.0%" cell reads what the dashboards show: never 100.0% while a subject fails (sanzero.rates)."""
    if value is None:
        return None
    if isinstance(value, Rate):
        return float(value.shown_fraction(1))
    return float(value) if isinstance(value, Decimal) else value


def _data_sheet(ws, headers: list[str], rows: list[list], percent_columns: set[int]) -> None:
    """A plain table: bold header with borders, frozen; percent formats; codes kept as text."""
    font = Font(name=FONT_NAME, size=10)
    bold = Font(name=FONT_NAME, size=10, bold=True)
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font, cell.fill, cell.alignment, cell.border = bold, HEADER_FILL, CENTER, BORDER
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=_num(value))
            cell.font, cell.border = font, BORDER
            if col == 1:
                cell.data_type = "s"
                cell.number_format = "@"
            if col in percent_columns:
                cell.number_format = PERCENT
    for col, header in enumerate(headers, start=1):
        longest = max(
            [display_width(header), *(display_width(v[col - 1]) for v in rows if isinstance(v[col - 1], str))]
        )
        ws.column_dimensions[get_column_letter(col)].width = max(longest + 3, 9)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(len(rows) + 1, 1)}"
    print_a4_landscape(ws)


def _write_groups(ws, data: ReportData, period: str) -> None:
    rows = []
    for region in data.regions:
        for group in GROUP_ORDER:
            f = data.get(region, group, period)
            if f is None:
                continue
            target = f.target if group != ALL_GROUPS else None
            gap = f.gap if target is not None else None
            rows.append(
                [
                    region.code,
                    region.name,
                    region.get_level_display(),
                    GROUP_LABELS[group],
                    f.total,
                    f.passed,
                    f.rate,
                    f.petition_ok,
                    f.petition_rate,
                    f.accident_ok,
                    f.accident_rate,
                    f.case_ok,
                    f.case_rate,
                    target,
                    gap,
                ]
            )
    _data_sheet(ws, DATA_HEADERS, rows, percent_columns={7, 9, 11, 13, 14, 15})


def _write_ledgers(ws, data: ReportData) -> None:
    rows = []
    for region in data.regions:
        f = data.get(region, ALL_GROUPS, Period.YTD)
        if f is None:
            continue
        rows.append(
            [
                region.code,
                region.name,
                f.disputes_found,
                f.disputes_resolved,
                f.dispute_rate,
                f.hazards_found,
                f.hazards_rectified,
                f.hazard_rate,
                f.petitions_count,
                f.petitions_closed,
                f.petition_close_rate,
                f.overdue_open,
                f.public_order_found,
                f.public_order_solved,
                f.public_order_rate,
            ]
        )
    _data_sheet(ws, LEDGER_HEADERS, rows, percent_columns={5, 8, 11, 15})


# --- 汇总表 -----------------------------------------------------------------------------------------


# (top header, [(sub header, value getter, is percent)]); a top header with no sub headers spans both rows.
def _summary_columns():
    def grp(group, attr):
        return lambda d, region_rows: _attr(region_rows.get(group), attr)

    def led(attr):
        return lambda d, region_rows: _attr(region_rows.get(ALL_GROUPS), attr)

    village, unit = TargetGroup.VILLAGE, TargetGroup.UNIT
    return [
        ("区域", [("区域", None, False)]),
        (
            GROUP_LABELS[village],
            [
                ("总数", grp(village, "total"), False),
                ("达标数", grp(village, "passed"), False),
                ("达标率", grp(village, "rate"), True),
                ("目标", grp(village, "target"), True),
            ],
        ),
        (
            GROUP_LABELS[unit],
            [
                ("总数", grp(unit, "total"), False),
                ("达标数", grp(unit, "passed"), False),
                ("达标率", grp(unit, "rate"), True),
                ("目标", grp(unit, "target"), True),
            ],
        ),
        (
            "合计",
            [
                ("总数", grp(ALL_GROUPS, "total"), False),
                ("达标数", grp(ALL_GROUPS, "passed"), False),
                ("达标率", grp(ALL_GROUPS, "rate"), True),
            ],
        ),
        (
            "矛盾纠纷",
            [
                ("排查数", led("disputes_found"), False),
                ("化解数", led("disputes_resolved"), False),
                ("化解率", led("dispute_rate"), True),
            ],
        ),
        (
            "安全隐患",
            [
                ("排查数", led("hazards_found"), False),
                ("整改数", led("hazards_rectified"), False),
                ("整改率", led("hazard_rate"), True),
            ],
        ),
        (
            "信访",
            [
                ("件数", led("petitions_count"), False),
                ("办结数", led("petitions_closed"), False),
                ("办结率", led("petition_close_rate"), True),
            ],
        ),
        ("超期未办结数", [("超期未办结数", led("overdue_open"), False)]),
    ]


def _attr(figures: Figures | None, attr: str):
    return None if figures is None else getattr(figures, attr)


SUMMARY_HEADER_ROWS = (3, 4)
SUMMARY_FIRST_DATA_ROW = 5


def _write_summary(ws, data: ReportData, *, prepared_by: str, today: datetime.date) -> None:
    columns = _summary_columns()
    flat = [sub for _, subs in columns for sub in subs]
    last_col = len(flat)
    last_letter = get_column_letter(last_col)
    region, month = data.region, data.month
    end = month_end(month)
    font = Font(name=FONT_NAME, size=10)
    bold = Font(name=FONT_NAME, size=10, bold=True)

    # title and period
    ws.merge_cells(f"A1:{last_letter}1")
    title = ws["A1"]
    title.value = report_title(region, month, data.department)
    title.font = Font(name=FONT_NAME, size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    ws.merge_cells(f"A2:{last_letter}2")
    subtitle = ws["A2"]
    subtitle.value = f"统计期：{month.year}年1月1日至{end.month}月{end.day}日（年度累计）　　　　单位：个"
    subtitle.font = font
    subtitle.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[2].height = 20

    # two-row merged headers
    top, sub = SUMMARY_HEADER_ROWS
    col = 1
    for label, subs in columns:
        first = col
        if len(subs) == 1 and subs[0][0] == label:
            ws.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
            ws.cell(row=top, column=col, value=label)
            col += 1
        else:
            ws.cell(row=top, column=col, value=label)
            for text, _, _ in subs:
                ws.cell(row=sub, column=col, value=text)
                col += 1
            ws.merge_cells(start_row=top, start_column=first, end_row=top, end_column=col - 1)
    for r in (top, sub):
        ws.row_dimensions[r].height = 20
        for c in range(1, last_col + 1):
            cell = ws.cell(row=r, column=c)
            cell.font, cell.fill, cell.alignment, cell.border = bold, HEADER_FILL, CENTER, BORDER

    # body: children, the region's own (直属) subjects if any, 合计
    def figures_of(getter):
        return {g: getter(g) for g in GROUP_ORDER}

    body: list[tuple[str, dict, bool]] = [
        (child.name, figures_of(lambda g, c=child: data.get(c, g)), False) for child in data.children
    ]
    if data.has_direct:
        body.append((f"{region.name}本级直属", figures_of(data.direct), False))
    body.append(("合计", figures_of(lambda g: data.get(region, g)), True))
    row = SUMMARY_FIRST_DATA_ROW
    for name, region_rows, is_total in body:
        ws.cell(row=row, column=1, value=name)
        for c, (_, getter, is_percent) in enumerate(flat[1:], start=2):
            cell = ws.cell(row=row, column=c, value=_num(getter(data, region_rows)))
            if is_percent:
                cell.number_format = PERCENT
        for c in range(1, last_col + 1):
            cell = ws.cell(row=row, column=c)
            cell.font = bold if is_total else font
            cell.border = BORDER
            cell.alignment = CENTER if (c > 1 or is_total) else LEFT
            if is_total:
                cell.fill = TOTAL_FILL
        ws.row_dimensions[row].height = 20
        row += 1
    total_row = row - 1

    # footer: signatures, then the notes
    footer_row = total_row + 2
    unit_name = data.department.name if data.department is not None else f"{region.name}平安办"
    parts = [
        ("填报单位：" + unit_name, 1, 6),
        ("填报人：" + (prepared_by or ""), 7, 11),
        ("审核人：", 12, 16),
        (f"填报日期：{today.year}年{today.month}月{today.day}日", 17, last_col),
    ]
    for text, start, stop in parts:
        ws.merge_cells(start_row=footer_row, start_column=start, end_row=footer_row, end_column=stop)
        cell = ws.cell(row=footer_row, column=start, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal="left", vertical="center")
    ws.row_dimensions[footer_row].height = 22
    notes_row = footer_row + 1
    computed = timezone.localtime(data.computed_at) if data.computed_at else None
    notes = (
        "说明：1. 达标率＝达标数÷总数，按年度累计统计（1月1日至月末每月均达标为达标），与年度目标比较；"
        "“零上访”“零事故”“零案件”三项均达标为“三零”达标。2. 台账为年度累计：化解率＝化解数÷排查数，"
        "整改率＝整改数÷排查数，办结率＝办结数÷信访件数；超期未办结数为月末仍未办结且已超过办理期限的"
        "矛盾纠纷、安全隐患和信访件数。3. 分母为0时比率空白。"
        + (f"4. 数据来源：月度快照（计算于{computed:%Y-%m-%d %H:%M}）。" if computed else "")
    )
    ws.merge_cells(start_row=notes_row, start_column=1, end_row=notes_row, end_column=last_col)
    cell = ws.cell(row=notes_row, column=1, value=notes)
    cell.font = Font(name=FONT_NAME, size=9)
    cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    ws.row_dimensions[notes_row].height = 42

    # widths
    name_width = max([display_width(n) for n, _, _ in body] + [8]) + 4
    ws.column_dimensions["A"].width = name_width
    for c, (text, _, is_percent) in enumerate(flat[1:], start=2):
        ws.column_dimensions[get_column_letter(c)].width = (
            12 if text == "超期未办结数" else (8.5 if is_percent else 7.5)
        )

    # print settings
    ws.freeze_panes = ws.cell(row=SUMMARY_FIRST_DATA_ROW, column=2).coordinate
    print_a4_landscape(ws, title_rows=f"{top}:{sub}")
    ws.print_area = f"A1:{last_letter}{notes_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = FONT_NAME
