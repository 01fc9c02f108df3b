"""矛盾纠纷排查情况表 (reports/paicha.py): a fixture of disputes with known categories, handling levels,
outcomes and headcounts, asserted cell by cell on the page and in the .xlsx, for March and 年度累计, for
a township and the county; the due date (5 April) before and after it; 报送; scoping; the print setup."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from disputes import services
from disputes.models import Dispute, DisputeMonthReport, MediationLevel
from reports.paicha import COLUMN_KEYS, FORM_ROWS, load_paicha

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE_DUE = datetime.datetime(2026, 4, 3, 10, 0, tzinfo=SHANGHAI)  # Friday 3 April: due on Sunday 5 April
AFTER_DUE = datetime.datetime(2026, 4, 8, 9, 0, tzinfo=SHANGHAI)
URL = "/reports/paicha/"
SUBMIT = "/reports/paicha/submit/"
#: the county's page: session, user, scope, region; the one grouped count, the 报送 rows, the townships;
#: the region picker (its count, its choice, the choice's ancestors)
PAGE_QUERIES = 10


@pytest.fixture
def before_due():
    with time_machine.travel(BEFORE_DUE, tick=False):
        yield


def _level(name: str) -> MediationLevel:
    return MediationLevel.objects.get(name=name)


def _d(world, day, category, *, subject=None, level="网格员", people=2, major=False, user="clerk_a", **extra):
    data = {
        "subject": subject or world.shop_a,
        "found_on": day,
        "category": category,
        "summary": f"{category}：{day:%m-%d}",
        "source": "网格排查",
        "people_count": people,
        "is_major": major,
        "level": _level(level),
        **extra,
    }
    return services.dispute_create(actor=world.users[user], data=data)


def _step(world, d, name, user="clerk_a", **data):
    return services.dispute_transition(actor=world.users[user], obj=Dispute.objects.get(pk=d.pk), name=name, data=data)


def _resolve(world, d, day, user="clerk_a"):
    return _step(world, d, "resolve", user, resolved_on=day, agreement_type="书面", agreement="双方达成协议")


D = datetime.date


@pytest.fixture
def disputes(world, before_due):
    """The fixture county's disputes of 2026 (clock: 3 April 2026). Township A unless said otherwise."""
    services.level_create(actor=world.users["county"], data={"order": 50, "name": "县矛调中心", "working_days": 3})
    # 1 婚姻家庭, 村居, settled 5 March
    _resolve(world, _d(world, D(2026, 3, 2), "婚姻家庭"), D(2026, 3, 5))
    # 2 婚姻家庭, 乡镇 (乡镇综治中心), mediated 12 March, still open
    _step(world, _d(world, D(2026, 3, 10), "婚姻家庭", level="乡镇综治中心"), "mediate", mediated_on=D(2026, 3, 12))
    # 3 婚姻家庭, 村居, mediation failed 25 March
    _step(world, _d(world, D(2026, 3, 20), "婚姻家庭"), "fail", note="分歧过大", mediated_on=D(2026, 3, 25))
    # 4 邻里纠纷, 村居, 60 people, 重大, not mediated yet
    _d(world, D(2026, 3, 15), "邻里纠纷", people=60, major=True, subject=world.school_a)
    # 5 劳资纠纷 → 劳动争议, 县, 120 people, settled 31 March
    _resolve(world, _d(world, D(2026, 3, 3), "劳资纠纷", level="县矛调中心", people=120), D(2026, 3, 31))
    # 6 拖欠农民工工资 → 劳动争议 and its 其中 row, 乡镇, 600 people, 重大, settled 2 April (after March)
    _resolve(
        world,
        _d(world, D(2026, 3, 4), "拖欠农民工工资", level="乡镇党委政府", people=600, major=True),
        D(2026, 4, 2),
    )
    # 7 民间借贷 → 合同纠纷, January, settled in January
    _resolve(world, _d(world, D(2026, 1, 15), "民间借贷"), D(2026, 1, 20))
    # 8 合同债务 → 合同纠纷, February, 乡镇, mediated 11 February, settled 3 March
    _resolve(
        world, _d(world, D(2026, 2, 10), "合同债务", level="乡镇综治中心", mediated_on=D(2026, 2, 11)), D(2026, 3, 3)
    )
    # 9 township B: 婚姻家庭, 村居, settled 7 March (the county's table only)
    town_b = _d(world, D(2026, 3, 6), "婚姻家庭", subject=world.shop_b, user="clerk_b")
    _resolve(world, town_b, D(2026, 3, 7), user="clerk_b")
    # 10 April: in no March figure
    _d(world, D(2026, 4, 1), "婚姻家庭")
    # 11 last year: in no 2026 figure
    _resolve(world, _d(world, D(2025, 12, 30), "婚姻家庭"), D(2025, 12, 31))


def row(**cells):
    """A row's expected cells in COLUMN_KEYS order: counts default to 0, rates to None (empty)."""
    unknown = set(cells) - {k.replace("/", "_").replace("（本月）", "").replace("-", "至") for k in COLUMN_KEYS}
    assert not unknown, unknown
    values = []
    for key in COLUMN_KEYS:
        name = key.replace("/", "_").replace("（本月）", "").replace("-", "至")
        values.append(cells.get(name, None if "率" in key else 0))
    return values


# Township A, March 2026 (and 1 January – 31 March).
TOWN_A = {
    "婚姻家庭纠纷": row(
        排查数_乡镇=1,
        排查数_村居=2,
        排查数_小计=3,
        排查数_年度累计=3,
        调处数_乡镇=1,
        调处数_村居=2,
        调处数_小计=3,
        调处数_年度累计=3,
        调处率_本月="100.0%",
        调处率_年度累计="100.0%",
        调处成功数_村居=1,
        调处成功数_小计=1,
        调处成功数_年度累计=1,
        调处成功率_本月="33.3%",
        调处成功率_年度累计="33.3%",
        涉及人数_50人以下=3,
    ),  # fmt: skip
    "邻里纠纷": row(
        排查数_村居=1,
        排查数_小计=1,
        排查数_年度累计=1,
        调处率_本月="0.0%",
        调处率_年度累计="0.0%",
        重大矛盾纠纷_本月=1,
        重大矛盾纠纷_年度累计=1,
        涉及人数_50至100人=1,
    ),  # fmt: skip
    "合同纠纷": row(
        排查数_年度累计=2,
        调处数_年度累计=2,
        调处率_年度累计="100.0%",
        调处成功数_年度累计=2,
        调处成功率_年度累计="100.0%",
    ),  # fmt: skip
    "劳动争议纠纷": row(
        排查数_县=1,
        排查数_乡镇=1,
        排查数_小计=2,
        排查数_年度累计=2,
        调处数_县=1,
        调处数_小计=1,
        调处数_年度累计=1,
        调处率_本月="50.0%",
        调处率_年度累计="50.0%",
        调处成功数_县=1,
        调处成功数_小计=1,
        调处成功数_年度累计=1,
        调处成功率_本月="100.0%",
        调处成功率_年度累计="100.0%",
        重大矛盾纠纷_本月=1,
        重大矛盾纠纷_年度累计=1,
        涉及人数_100至500人=1,
        涉及人数_500人以上=1,
    ),  # fmt: skip
    "其中：拖欠农民工工资纠纷": row(
        排查数_乡镇=1,
        排查数_小计=1,
        排查数_年度累计=1,
        调处率_本月="0.0%",
        调处率_年度累计="0.0%",
        重大矛盾纠纷_本月=1,
        重大矛盾纠纷_年度累计=1,
        涉及人数_500人以上=1,
    ),  # fmt: skip
    "合计": row(
        排查数_县=1,
        排查数_乡镇=2,
        排查数_村居=3,
        排查数_小计=6,
        排查数_年度累计=8,
        调处数_县=1,
        调处数_乡镇=1,
        调处数_村居=2,
        调处数_小计=4,
        调处数_年度累计=6,
        调处率_本月="66.7%",
        调处率_年度累计="75.0%",
        调处成功数_县=1,
        调处成功数_村居=1,
        调处成功数_小计=2,
        调处成功数_年度累计=4,
        调处成功率_本月="50.0%",
        调处成功率_年度累计="66.7%",
        重大矛盾纠纷_本月=2,
        重大矛盾纠纷_年度累计=2,
        涉及人数_50人以下=3,
        涉及人数_50至100人=1,
        涉及人数_100至500人=1,
        涉及人数_500人以上=1,
    ),  # fmt: skip
}


def county_expected() -> dict[str, list]:
    """The county: township A's, plus township B's settled 婚姻家庭 dispute of 6 March (村居)."""
    expected = {label: list(values) for label, values in TOWN_A.items()}
    for label, ratio in (("婚姻家庭纠纷", ("100.0%", "100.0%", "50.0%", "50.0%")), ("合计", None)):
        cells = dict(zip(COLUMN_KEYS, expected[label], strict=True))
        for key in ("排查数/村居", "排查数/小计", "排查数/年度累计", "调处数/村居", "调处数/小计", "调处数/年度累计"):
            cells[key] += 1
        for key in ("调处成功数/村居", "调处成功数/小计", "调处成功数/年度累计", "涉及人数（本月）/50人以下"):
            cells[key] += 1
        if ratio:
            cells["调处率/本月"], cells["调处率/年度累计"], cells["调处成功率/本月"], cells["调处成功率/年度累计"] = (
                ratio
            )
        else:  # 合计: 5 of 7 mediated, 7 of 9 this year; 3 of 5 settled, 5 of 7 this year
            cells["调处率/本月"], cells["调处率/年度累计"] = "71.4%", "77.8%"
            cells["调处成功率/本月"], cells["调处成功率/年度累计"] = "60.0%", "71.4%"
        expected[label] = list(cells.values())
    return expected


# --- reading the page and the workbook -------------------------------------------------------------


class _TableRows(HTMLParser):
    """The rows of #paicha-table: data-row label → the texts of its <td> cells."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self._in_table = False
        self._row: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "paicha-table":
            self._in_table = True
        elif self._in_table and tag == "tr" and "data-row" in attrs:
            self._row = attrs["data-row"]
            self.rows[self._row] = []
        elif self._row is not None and tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[self._row].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._in_table = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_rows(response) -> dict[str, list[str]]:
    assert response.status_code == 200
    parser = _TableRows()
    parser.feed(response.content.decode())
    return parser.rows


def as_text(values: list) -> list[str]:
    return ["—" if v is None else str(v) for v in values]


def as_cell(value):
    """An expected cell as workbook_rows reads it: counts as numbers, rates as their "0.0%" text."""
    return value


def shown(cell) -> object:
    """A cell as Excel shows it: a rate (a fraction formatted "0.0%") as its percentage text."""
    if cell.number_format == "0.0%" and cell.value is not None:
        return f"{(Decimal(str(cell.value)) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
    return cell.value


def workbook_rows(content: bytes) -> tuple[object, dict[str, list]]:
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = {}
    for r in range(5, ws.max_row + 1):
        label = ws.cell(row=r, column=1).value
        if label in TOWN_A or label in {fr.label for fr in FORM_ROWS}:
            rows[label] = [shown(ws.cell(row=r, column=c)) for c in range(2, 2 + len(COLUMN_KEYS))]
    return ws, rows


def download(client, region_code: str, month: str = "2026-03") -> bytes:
    response = client.get(URL, {"region": region_code, "month": month, "download": "1"})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


# --- the cells ------------------------------------------------------------------------------------


def test_a_townships_table_on_the_page_cell_by_cell(world, client_as, disputes):
    rows = page_rows(client_as("clerk_a").get(URL, {"region": world.town_a.code, "month": "2026-03"}))
    assert list(rows) == [r.label for r in FORM_ROWS] + ["合计"]  # the 19 rows of the form, then 合计
    for label, expected in TOWN_A.items():
        assert rows[label] == as_text(expected), label
    empty = as_text(row())
    for label in set(rows) - set(TOWN_A):
        assert rows[label] == empty, label


def test_a_townships_table_in_the_workbook_cell_by_cell(world, client_as, disputes):
    ws, rows = workbook_rows(download(client_as("clerk_a"), world.town_a.code))
    assert len(rows) == 20
    for label, expected in TOWN_A.items():
        assert rows[label] == [as_cell(v) for v in expected], label
    assert rows["旅游纠纷"] == [as_cell(v) for v in row()]
    # the rates are numbers formatted as percentages
    rate_column = 2 + COLUMN_KEYS.index("调处成功率/本月")
    cell = next(ws.cell(row=r, column=rate_column) for r in range(5, 30) if ws.cell(row=r, column=1).value == "合计")
    assert cell.number_format == "0.0%" and cell.value == 0.5 and isinstance(cell.value, float)


def test_the_countys_table_adds_every_township(world, client_as, disputes):
    expected = county_expected()
    client = client_as("county")
    rows = page_rows(client.get(URL, {"region": world.county.code, "month": "2026-03"}))
    _, cells = workbook_rows(download(client, world.county.code))
    for label, values in expected.items():
        assert rows[label] == as_text(values), label
        assert cells[label] == [as_cell(v) for v in values], label


def test_figures_agree_with_the_loader_and_a_later_settlement_moves_only_april(world, disputes):
    table = load_paicha(user=world.users["county"], region=world.town_a, month=MARCH)
    labour = table.row("劳动争议纠纷")
    assert (labour.found_total, labour.mediated_total, labour.resolved_total) == (2, 1, 1)
    april = load_paicha(user=world.users["county"], region=world.town_a, month=datetime.date(2026, 4, 1))
    assert april.row("劳动争议纠纷").resolved_ytd == 2  # settled on 2 April: in April's year to date
    assert april.row("婚姻家庭纠纷").found == {"县": 0, "乡镇": 0, "村居": 1}  # the dispute of 1 April


# --- due date and 报送 -----------------------------------------------------------------------------


def _due(response) -> tuple[str, str, str]:
    html = response.content.decode()
    due = re.search(r'data-due="([0-9-]+)"', html).group(1)
    state = re.search(r'data-due-state="(\w+)">([^<]+)<', html)
    return due, state.group(1), state.group(2)


def test_the_due_date_is_the_fifth_of_the_next_month_and_overdue_after_it(world, client_as, disputes):
    # a sign-in lasts a working day: each jump of the clock signs in afresh
    query = {"region": world.town_a.code, "month": "2026-03"}
    assert _due(client_as("clerk_a").get(URL, query)) == ("2026-04-05", "due", "尚未报送，还有2天到期")
    with time_machine.travel(datetime.datetime(2026, 4, 5, 16, 0, tzinfo=SHANGHAI), tick=False):
        assert _due(client_as("clerk_a").get(URL, query))[1:] == ("due", "今日到期，尚未报送")
    with time_machine.travel(AFTER_DUE, tick=False):
        client = client_as("clerk_a")
        assert _due(client.get(URL, query)) == ("2026-04-05", "overdue", "已逾期3天，尚未报送")
        # the month under way is not due yet
        assert _due(client.get(URL, {**query, "month": "2026-04"})) == ("2026-05-05", "open", "本月尚未结束")
        # without a month, the page opens on last month's table: the one due next
        assert _due(client.get(URL))[0] == "2026-04-05"
        # December's table is due in January of the next year
        assert _due(client.get(URL, {**query, "month": "2025-12"}))[0] == "2026-01-05"


def test_handing_in_on_time_late_and_again(world, client_as, disputes):
    client = client_as("clerk_a")
    response = client.post(SUBMIT, {"region": world.town_a.code, "month": "2026-03"}, follow=True)
    assert "已报送甲镇2026年3月矛盾纠纷排查情况表。" in response.content.decode()
    assert _due(response) == ("2026-04-05", "on_time", "已于2026-04-03 10:00报送，按时报送")
    report = DisputeMonthReport.objects.get(region=world.town_a, month=MARCH)
    assert report.submitted_by == world.users["clerk_a"] and report.late_days == 0
    assert report.history.first().history_change_reason == "报送2026年3月矛盾纠纷排查情况表"
    with time_machine.travel(AFTER_DUE, tick=False):
        # 乙镇 hands in late; 甲镇 corrects and hands in again (its first time stays)
        client_as("clerk_b").post(SUBMIT, {"region": world.town_b.code, "month": "2026-03"})
        late = DisputeMonthReport.objects.get(region=world.town_b, month=MARCH)
        assert late.late_days == 3
        assert late.history.first().history_change_reason == "报送2026年3月矛盾纠纷排查情况表（逾期3天）"
        client_as("clerk_a").post(SUBMIT, {"region": world.town_a.code, "month": "2026-03"})
        report.refresh_from_db()
        assert report.times == 2 and report.late_days == 0
        assert report.history.first().history_change_reason == "重新报送2026年3月矛盾纠纷排查情况表（第2次）"
        # the county sees every township's 报送
        html = client_as("county").get(URL, {"region": world.county.code, "month": "2026-03"}).content.decode()
    towns = re.findall(r'data-township="(\d+)">\s*<td>([^<]+)</td>\s*<td><span class="badge [^"]+">([^<]+)<', html)
    assert towns == [
        (world.town_a.code, "甲镇", "已于2026-04-03 10:00报送，按时报送（共报送2次）"),
        (world.town_b.code, "乙镇", "已于2026-04-08 09:00报送，逾期3天"),
    ]


def test_a_month_not_yet_over_cannot_be_handed_in(world, client_as, disputes):
    response = client_as("clerk_a").post(SUBMIT, {"region": world.town_a.code, "month": "2026-04"}, follow=True)
    assert "2026年4月尚未结束，月末后才能报送（报送期限为2026年5月5日）。" in response.content.decode()
    assert not DisputeMonthReport.objects.exists()
    assert client_as("clerk_a").post(SUBMIT, {"region": world.town_a.code, "month": "2026-13"}).status_code == 400


# --- scope ----------------------------------------------------------------------------------------


def test_a_clerk_gets_its_townships_table_only(world, client_as, disputes):
    client = client_as("clerk_b")
    own = page_rows(client.get(URL, {"month": "2026-03"}))  # no region: its own township
    assert own["婚姻家庭纠纷"][:5] == ["0", "0", "1", "1", "1"]
    assert own["合计"][3] == "1"  # 甲镇's six disputes are not there
    assert client.get(URL, {"region": world.town_a.code, "month": "2026-03"}).status_code == 404
    assert client.get(URL, {"region": world.county.code, "month": "2026-03"}).status_code == 404
    assert client.get(URL, {"region": world.town_a.code, "month": "2026-03", "download": "1"}).status_code == 404
    assert client.post(SUBMIT, {"region": world.town_a.code, "month": "2026-03"}).status_code == 404
    assert not DisputeMonthReport.objects.exists()
    for other in ("grid_a", "dept_edu"):
        assert client_as(other).get(URL).status_code == 403
    # a village does not fill the table: the page says so
    html = client_as("clerk_a").get(URL, {"region": world.village_a.code}).content.decode()
    assert "排查情况表按乡镇(街道)和县填报" in html and 'id="paicha-table"' not in html


def test_the_page_costs_the_same_queries_for_few_and_many_disputes(world, client_as, before_due):
    from sanzero.testing import assert_flat_queries, queries_of

    client = client_as("county")

    def add(numbers):
        for n in numbers:
            _d(world, D(2026, 3, 1 + n % 28), ["婚姻家庭", "邻里纠纷", "劳资纠纷"][n % 3], people=1 + n)

    assert_flat_queries(
        lambda: queries_of(client, f"{URL}?region={world.county.code}&month=2026-03"), add=add, expected=PAGE_QUERIES
    )


# --- the print setup ------------------------------------------------------------------------------


def test_the_workbook_is_print_ready(world, client_as, disputes):
    Dispute.objects.filter(category="邻里纠纷").update(summary="=HYPERLINK(1)")
    world.town_a.name = "=甲镇"  # a region name typed by a user: never a live formula
    world.town_a.save()
    content = download(client_as("clerk_a"), world.town_a.code)
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    assert ws["A1"].value == "=甲镇2026年3月矛盾纠纷排查情况表"
    assert ws["A1"].data_type == "s" and ws["A1"].quotePrefix
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    assert ws["A2"].value.startswith("统计期：2026年3月1日至3月31日") and "报送期限：2026年4月5日" in ws["A2"].value
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {"A1:Z1", "A2:Z2", "A3:A4", "B3:F3", "G3:K3", "L3:M3", "N3:R3", "S3:T3", "U3:V3", "W3:Z3"} <= merged
    assert [ws.cell(row=3, column=c).value for c in (1, 2, 7, 12, 14, 19, 21, 23)] == [
        "纠纷类别",
        "排查数",
        "调处数",
        "调处率",
        "调处成功数",
        "调处成功率",
        "重大矛盾纠纷",
        "涉及人数（本月）",
    ]
    assert [ws.cell(row=4, column=c).value for c in range(2, 7)] == ["县", "乡镇", "村居", "小计", "年度累计"]
    assert [ws.cell(row=4, column=c).value for c in range(23, 27)] == ["50人以下", "50-100人", "100-500人", "500人以上"]
    assert ws.cell(row=5, column=1).value == "婚姻家庭纠纷" and ws.cell(row=24, column=1).value == "合计"
    footer = [ws.cell(row=26, column=c).value for c in (1, 8, 14, 20)]
    assert footer == ["填报单位：=甲镇综治中心", "填报人：clerk_a", "审核人：", "填报日期：2026年4月3日"]
    assert ws.freeze_panes == "B5"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$4"
    assert ws.print_area == "'排查情况表'!$A$1:$Z$27"
