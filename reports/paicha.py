"""矛盾纠纷排查情况表: the monthly dispute table a township hands in to the county by the 5th of the next
month (and the county's own, for the whole county), on the page /reports/paicha/ and as a print-ready .xlsx.

Rows: the dispute categories of the 人民调解 statistics as counties report them, each row fed by one or
more of our 纠纷类别 (``FORM_ROWS``); 其中：拖欠农民工工资纠纷 is a part of 劳动争议纠纷 and is not added
into 合计. Columns, for the month by the level that handled the dispute (县 / 乡镇 / 村居, 小计) and for
the year (年度累计, 1 January to the month's end): 排查数, 调处数, 调处成功数; 调处率 = 调处数 ÷ 排查数 and
调处成功率 = 调处成功数 ÷ 调处数 (empty over an empty denominator, never 0%), 本月 and 年度累计; 重大矛盾纠纷;
the month's disputes by headcount (涉及人数: 50人以下, 50–100人, 101–500人, 500人以上).

As DESIGN §5 counts a ledger: a dispute belongs to the period of its 登记日期; it is 调处 when its 调处日期
is on or before the period's end, and 调处成功 when it is 已化解 with its 化解日期 on or before it.

Unlike the committee report (builder.py, which reads snapshots), this table is counted from the dispute
ledger in one grouped query (disputes.selectors.paicha_counts): it is what the township hands in, and a
late correction in the ledger shows in it (then hand it in again).

Sources of the row set (the exact printed layout of a county's form was not found in public sources;
these give the categories it is built from):
- the 人民调解 案件分类 a 司法局 publishes monthly: 锡林郭勒盟司法局《2021年4月份人民调解工作情况分析》
  (索引号 01165908-9/2020-00032, 公开日期 2022-01-25): 婚姻、邻里、房屋宅基地、合同、生产经营、损害赔偿、
  山林土地、征地拆迁、环境污染、劳动争议、消费、旅游、知识产权、互联网、医疗、道路交通事故、物业、其他纠纷;
- 黄石市司法局《我市八月份矛盾纠纷排查化解工作要情》(2016-09-10)
  http://sfj.huangshi.gov.cn/xxgk_17/gknr/qt/sjfb/2019nyq/202102/t20210204_763413.html : the same
  classification before 旅游/知识产权/互联网 were added;
- an open-source 人民调解 statistics export (案件分类情况, 19 columns) that splits 劳动争议 into 拖欠农民工工资纠纷
  and 其他劳动争议纠纷: hence the 其中 row;
- the columns 县/乡镇/村居, 排查数, 调处数/率, 调处成功数/率, 重大, the headcount bands and the 5th-of-next-month
  due date are the issue's (issue 14, point 5): the 综治 月报 practice of 中央综治办《关于进一步落实矛盾纠纷
  排查调处工作协调会议纪要月报制度的通知》 (as quoted in http://m.zjycdp.com/fanwendaquan/cehuafangan/2022/0219/170.html).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dashboards.models import month_end
from disputes.choices import DisputeCategory, HandlingTier
from disputes.models import Dispute, DisputeMonthReport, report_due_on
from disputes.selectors import HEADCOUNT_BANDS, paicha_counts
from sanzero.rates import Rate
from sanzero.roles import Role
from sanzero.scoping import user_scope
from sanzero.xlsx.writer import display_width, keep_text_as_text, print_a4_landscape
from units.models import LEVEL_RANK, Region, RegionLevel

from .builder import BORDER, CENTER, FONT_NAME, HEADER_FILL, LEFT, PERCENT, TOTAL_FILL, ReportError, month_label

PAICHA_ROLES = frozenset({Role.ADMIN, Role.COUNTY, Role.CLERK})
#: the regions that fill the table: townships hand theirs to the county; a county (city…) adds them up
PAICHA_MAX_RANK = LEVEL_RANK[RegionLevel.TOWNSHIP]
TIERS = (HandlingTier.COUNTY, HandlingTier.TOWNSHIP, HandlingTier.VILLAGE)
BAND_LABELS = tuple(label for label, _, _ in HEADCOUNT_BANDS)
TITLE_SUFFIX = "矛盾纠纷排查情况表"


@dataclass(frozen=True)
class FormRow:
    label: str
    categories: tuple[str, ...]
    part_of: str = ""  # a 其中 row: a part of that row, not added into 合计


C = DisputeCategory
FORM_ROWS: tuple[FormRow, ...] = (
    FormRow("婚姻家庭纠纷", (C.MARRIAGE,)),
    FormRow("邻里纠纷", (C.NEIGHBOURS,)),
    FormRow("房屋宅基地纠纷", (C.HOMESTEAD,)),
    FormRow("合同纠纷", (C.CONTRACT, C.LOAN)),  # 民间借贷 is a loan contract
    FormRow("生产经营纠纷", (C.BUSINESS,)),
    FormRow("损害赔偿纠纷", (C.DAMAGES,)),
    FormRow("山林土地纠纷", (C.LAND,)),
    FormRow("征地拆迁纠纷", (C.EXPROPRIATION,)),
    FormRow("环境污染纠纷", (C.POLLUTION,)),
    FormRow("劳动争议纠纷", (C.LABOUR, C.UNPAID_WAGES)),
    FormRow("其中：拖欠农民工工资纠纷", (C.UNPAID_WAGES,), part_of="劳动争议纠纷"),
    FormRow("消费纠纷", (C.CONSUMER,)),
    FormRow("旅游纠纷", (C.TOURISM,)),
    FormRow("知识产权纠纷", (C.IP,)),
    FormRow("互联网纠纷", (C.INTERNET,)),
    FormRow("医疗纠纷", (C.MEDICAL,)),
    FormRow("道路交通事故纠纷", (C.TRAFFIC,)),
    FormRow("物业纠纷", (C.PROPERTY,)),
    FormRow("其他纠纷", (C.OTHER,)),
)
del C
OTHER_ROW = "其他纠纷"  # a category no row names (one the administrator added) is counted here


def rows_of_category(category: str) -> list[FormRow]:
    rows = [r for r in FORM_ROWS if category in r.categories]
    return rows or [r for r in FORM_ROWS if r.label == OTHER_ROW]


# --- the figures ----------------------------------------------------------------------------------


@dataclass
class Cells:
    """One row's figures: the month by 调处层级, the year in total."""

    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TIERS, 0))
    mediated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TIERS, 0))
    resolved: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TIERS, 0))
    found_ytd: int = 0
    mediated_ytd: int = 0
    resolved_ytd: int = 0
    major: int = 0
    major_ytd: int = 0
    bands: list[int] = field(default_factory=lambda: [0] * len(HEADCOUNT_BANDS))

    def add_counts(self, tier: str, counts: dict) -> None:
        tier = tier if tier in TIERS else HandlingTier.VILLAGE
        for name in ("found", "mediated", "resolved"):
            getattr(self, name)[tier] += counts[name]
            setattr(self, f"{name}_ytd", getattr(self, f"{name}_ytd") + counts[f"{name}_ytd"])
        self.major += counts["major"]
        self.major_ytd += counts["major_ytd"]
        for i in range(len(self.bands)):
            self.bands[i] += counts[f"band_{i}"]

    def add(self, other: Cells) -> None:
        for name in ("found", "mediated", "resolved"):
            mine = getattr(self, name)
            for tier in TIERS:
                mine[tier] += getattr(other, name)[tier]
        for name in ("found_ytd", "mediated_ytd", "resolved_ytd", "major", "major_ytd"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.bands = [a + b for a, b in zip(self.bands, other.bands, strict=True)]

    found_total = property(lambda self: sum(self.found.values()))
    mediated_total = property(lambda self: sum(self.mediated.values()))
    resolved_total = property(lambda self: sum(self.resolved.values()))
    mediation_rate = property(lambda self: Rate.of(self.mediated_total, self.found_total))
    mediation_rate_ytd = property(lambda self: Rate.of(self.mediated_ytd, self.found_ytd))
    success_rate = property(lambda self: Rate.of(self.resolved_total, self.mediated_total))
    success_rate_ytd = property(lambda self: Rate.of(self.resolved_ytd, self.mediated_ytd))

    def values(self) -> list[Any]:
        """The row's cells in column order (COLUMN_GROUPS), rates as Rate or None."""
        return [
            *(self.found[t] for t in TIERS),
            self.found_total,
            self.found_ytd,
            *(self.mediated[t] for t in TIERS),
            self.mediated_total,
            self.mediated_ytd,
            self.mediation_rate,
            self.mediation_rate_ytd,
            *(self.resolved[t] for t in TIERS),
            self.resolved_total,
            self.resolved_ytd,
            self.success_rate,
            self.success_rate_ytd,
            self.major,
            self.major_ytd,
            *self.bands,
        ]


#: the two-row header: (top label, [sub labels], is a rate)
LEVEL_SUBS = [*(str(t.label) for t in TIERS), "小计", "年度累计"]
PERIOD_SUBS = ["本月", "年度累计"]
COLUMN_GROUPS: tuple[tuple[str, list[str], bool], ...] = (
    ("排查数", LEVEL_SUBS, False),
    ("调处数", LEVEL_SUBS, False),
    ("调处率", PERIOD_SUBS, True),
    ("调处成功数", LEVEL_SUBS, False),
    ("调处成功率", PERIOD_SUBS, True),
    ("重大矛盾纠纷", PERIOD_SUBS, False),
    ("涉及人数（本月）", list(BAND_LABELS), False),
)
_FLAT = [(top, sub, rate) for top, subs, rate in COLUMN_GROUPS for sub in subs]
#: "排查数/县", …, "涉及人数（本月）/500人以上": the cells of a row, in order (Cells.values)
COLUMN_KEYS: tuple[str, ...] = tuple(f"{top}/{sub}" for top, sub, _ in _FLAT)
RATE_COLUMNS = frozenset(i for i, (_, _, rate) in enumerate(_FLAT) if rate)


# --- the 5th-of-next-month due date ---------------------------------------------------------------


@dataclass
class DueState:
    """Where a region's table of a month stands against its due date (the 5th of the next month)."""

    month: datetime.date
    today: datetime.date
    report: DisputeMonthReport | None

    @property
    def due_on(self) -> datetime.date:
        return report_due_on(self.month)

    @property
    def month_over(self) -> bool:
        return self.today > month_end(self.month)

    @property
    def state(self) -> str:
        if self.report is not None:
            return "late" if self.report.late_days else "on_time"
        if not self.month_over:
            return "open"
        return "overdue" if self.today > self.due_on else "due"

    @property
    def days_left(self) -> int:
        return (self.due_on - self.today).days

    @property
    def days_overdue(self) -> int:
        return max(0, (self.today - self.due_on).days)

    @property
    def badge(self) -> str:
        return {
            "on_time": "text-bg-success",
            "late": "text-bg-warning",
            "open": "text-bg-secondary",
            "due": "text-bg-warning" if self.days_left <= 3 else "text-bg-primary",
            "overdue": "text-bg-danger",
        }[self.state]

    @property
    def text(self) -> str:
        if self.report is not None:
            when = timezone.localtime(self.report.first_submitted_at)
            late = f"，逾期{self.report.late_days}天" if self.report.late_days else "，按时报送"
            again = f"（共报送{self.report.times}次）" if self.report.times > 1 else ""
            return f"已于{when:%Y-%m-%d %H:%M}报送{late}{again}"
        if self.state == "open":
            return "本月尚未结束"
        if self.state == "overdue":
            return f"已逾期{self.days_overdue}天，尚未报送"
        return "今日到期，尚未报送" if self.days_left == 0 else f"尚未报送，还有{self.days_left}天到期"

    @property
    def due_text(self) -> str:
        return f"{self.due_on.year}年{self.due_on.month}月{self.due_on.day}日"


@dataclass
class PaichaTable:
    region: Region
    month: datetime.date
    rows: list[tuple[FormRow, Cells]]
    total: Cells
    due: DueState
    #: a county's (or city's) page: each township's 报送 of the month
    townships: list[tuple[Region, DueState]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.region.name}{month_label(self.month)}{TITLE_SUFFIX}"

    @property
    def filename(self) -> str:
        return f"{self.title}.xlsx"

    @property
    def period_text(self) -> str:
        end = month_end(self.month)
        return (
            f"统计期：{self.month.year}年{self.month.month}月1日至{end.month}月{end.day}日"
            f"（年度累计自1月1日起）　　报送期限：{self.due.due_text}　　单位：件"
        )

    def row(self, label: str) -> Cells:
        if label == "合计":
            return self.total
        return next(cells for r, cells in self.rows if r.label == label)


def check_access(user, region: Region) -> None:
    """Raises ReportError when the user's role has no 排查情况表 or the region does not fill one; the
    region itself is already in scope (the view found it through Region.objects.for_user)."""
    if user_scope(user).role not in PAICHA_ROLES:
        raise ReportError("矛盾纠纷排查情况表只对乡镇(街道)录入员、县平安办和系统管理员开放。")
    if LEVEL_RANK.get(region.level, 99) > PAICHA_MAX_RANK:
        raise ReportError(
            f"排查情况表按乡镇(街道)和县填报，“{region.name}”是{region.get_level_display()}，请选择其所属乡镇或县。"
        )


def load_paicha(*, user, region: Region, month: datetime.date, today: datetime.date | None = None) -> PaichaTable:
    """The table of ``region`` (in the user's scope) for ``month``: one grouped query over the disputes the
    user may see in the region's subtree, one for the 报送, one for the townships' 报送 of a county."""
    check_access(user, region)
    month = month.replace(day=1)
    today = today or timezone.localdate()
    end = month_end(month)
    qs = Dispute.objects.for_user(user).filter(
        subject__region__code__startswith=region.prefix,
        found_on__gte=month.replace(month=1),
        found_on__lte=end,
    )
    by_label = {r.label: Cells() for r in FORM_ROWS}
    for counts in paicha_counts(qs, month_start=month, end=end):
        for form_row in rows_of_category(counts["category"]):
            by_label[form_row.label].add_counts(counts["handling_tier"], counts)
    total = Cells()
    for form_row in FORM_ROWS:
        if not form_row.part_of:
            total.add(by_label[form_row.label])
    reports = DisputeMonthReport.objects.filter(month=month, region__code__startswith=region.prefix)
    reports = {r.region_id: r for r in reports.select_related("submitted_by")}
    table = PaichaTable(
        region=region,
        month=month,
        rows=[(r, by_label[r.label]) for r in FORM_ROWS],
        total=total,
        due=DueState(month, today, reports.get(region.pk)),
    )
    if region.level != RegionLevel.TOWNSHIP:
        townships = Region.objects.filter(code__startswith=region.prefix, level=RegionLevel.TOWNSHIP).order_by("code")
        table.townships = [(t, DueState(month, today, reports.get(t.pk))) for t in townships]
    return table


# --- the .xlsx ------------------------------------------------------------------------------------

HEADER_TOP, HEADER_SUB = 3, 4
FIRST_DATA_ROW = 5


def _cell_value(value):
    if value is None:
        return None
    if isinstance(value, Rate):
        return float(value.shown_fraction(1))  # reads as the page: never 100.0% while one failed
    return value


def write_paicha_xlsx(
    table: PaichaTable,
    stream_or_path: str | IO[bytes] | Any,
    *,
    prepared_by: str = "",
    today: datetime.date | None = None,
) -> None:
    """The print-ready sheet: title and period, two-row merged headers, 19 rows and 合计, the signature
    footer (填报单位/填报人/审核人/填报日期) and notes; A4 landscape fitted to the page width, headers
    repeated on every page and frozen; user-typed text kept as text (no live formula)."""
    today = today or timezone.localdate()
    wb = Workbook()
    wb.properties.title = table.title
    wb.properties.creator = "三零创建管理系统"
    ws = wb.active
    ws.title = "排查情况表"
    last_col = 1 + len(COLUMN_KEYS)
    last_letter = get_column_letter(last_col)
    font = Font(name=FONT_NAME, size=10)
    bold = Font(name=FONT_NAME, size=10, bold=True)

    ws.merge_cells(f"A1:{last_letter}1")
    ws["A1"] = table.title
    ws["A1"].font = Font(name=FONT_NAME, size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    ws.merge_cells(f"A2:{last_letter}2")
    ws["A2"] = table.period_text
    ws["A2"].font = font
    ws["A2"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[2].height = 20

    ws.merge_cells(start_row=HEADER_TOP, start_column=1, end_row=HEADER_SUB, end_column=1)
    ws.cell(row=HEADER_TOP, column=1, value="纠纷类别")
    col = 2
    for top, subs, _ in COLUMN_GROUPS:
        ws.cell(row=HEADER_TOP, column=col, value=top)
        ws.merge_cells(start_row=HEADER_TOP, start_column=col, end_row=HEADER_TOP, end_column=col + len(subs) - 1)
        for sub in subs:
            ws.cell(row=HEADER_SUB, column=col, value=sub)
            col += 1
    for r in (HEADER_TOP, HEADER_SUB):
        ws.row_dimensions[r].height = 22 if r == HEADER_TOP else 30
        for c in range(1, last_col + 1):
            cell = ws.cell(row=r, column=c)
            cell.font, cell.fill, cell.alignment, cell.border = bold, HEADER_FILL, CENTER, BORDER

    body = [(r.label, cells, False) for r, cells in table.rows] + [("合计", table.total, True)]
    row = FIRST_DATA_ROW
    for label, cells, is_total in body:
        ws.cell(row=row, column=1, value=label)
        for i, value in enumerate(cells.values()):
            cell = ws.cell(row=row, column=2 + i, value=_cell_value(value))
            if i in RATE_COLUMNS:
                cell.number_format = PERCENT
        for c in range(1, last_col + 1):
            cell = ws.cell(row=row, column=c)
            cell.font = bold if is_total else font
            cell.border = BORDER
            cell.alignment = CENTER if (c > 1 or is_total) else LEFT
            if is_total:
                cell.fill = TOTAL_FILL
        ws.row_dimensions[row].height = 18
        row += 1
    total_row = row - 1

    footer_row = total_row + 2
    quarter = (last_col - 1) // 4
    parts = [
        (f"填报单位：{table.region.name}综治中心", 1, 1 + quarter),
        (f"填报人：{prepared_by}", 2 + quarter, 1 + 2 * quarter),
        ("审核人：", 2 + 2 * quarter, 1 + 3 * quarter),
        (f"填报日期：{today.year}年{today.month}月{today.day}日", 2 + 3 * quarter, last_col),
    ]
    for text, start, stop in parts:
        ws.merge_cells(start_row=footer_row, start_column=start, end_row=footer_row, end_column=stop)
        cell = ws.cell(row=footer_row, column=start, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal="left", vertical="center")
    ws.row_dimensions[footer_row].height = 22
    notes_row = footer_row + 1
    ws.merge_cells(start_row=notes_row, start_column=1, end_row=notes_row, end_column=last_col)
    notes = ws.cell(row=notes_row, column=1, value=NOTES)
    notes.font = Font(name=FONT_NAME, size=9)
    notes.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    ws.row_dimensions[notes_row].height = 54

    ws.column_dimensions["A"].width = max(display_width(r.label) for r in FORM_ROWS) + 3
    for i in range(len(COLUMN_KEYS)):
        ws.column_dimensions[get_column_letter(2 + i)].width = 7.5 if i in RATE_COLUMNS else 5.6

    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=2).coordinate
    print_a4_landscape(ws, title_rows=f"{HEADER_TOP}:{HEADER_SUB}")
    ws.print_area = f"A1:{last_letter}{notes_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.3
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = FONT_NAME
    keep_text_as_text(wb)
    wb.save(stream_or_path)


NOTES = (
    "说明：1. 按登记日期统计：本月为当月登记的矛盾纠纷，年度累计为1月1日至当月末登记的。2. 调处数为月末前已组织调解"
    "（有调处日期）的件数，调处成功数为月末前已化解的件数；调处率＝调处数÷排查数，调处成功率＝调处成功数÷调处数，"
    "分母为0时空白。3. 县、乡镇、村居按调处层级统计（由调解层级确定：网格员、村(社区)调委会为村居，乡镇综治中心、"
    "乡镇党委政府为乡镇，县级调解组织为县）。4. “其中：拖欠农民工工资纠纷”含于劳动争议纠纷，不计入合计；民间借贷计入合同纠纷。"
    "5. 涉及人数分档：50人以下（1–49人）、50-100人（含50、100人）、100-500人（101–500人）、500人以上（501人及以上）。"
    "6. 每月5日前报送上月情况。"
)
