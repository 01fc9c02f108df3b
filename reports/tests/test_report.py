"""The committee report (DESIGN §7): every cell of the data sheets against hand-computed values, the
汇总表's structure and print settings, the export_report command's refusals, the 报表 page's roles,
and that the report reads the snapshot tables only.

The crafted county (the `world` fixture), computed for March 2026:

  甲镇 (town A): 甲一村 (village subject; an ordinary petition in January, still open, overdue),
                甲城社区 (village subject; a dispute from January still being mediated, overdue),
                甲镇中心学校 (unit, directly in the township; a hazard found and rectified in March),
                甲一村超市 (unit; an injury accident in February → fails 零事故 for the year, not for March;
                           an ordinary petition in March, closed; a hazard from February, overdue)
  乙镇 (town B): 乙一村 (village subject; a criminal case in March → fails 零案件),
                乙镇中学 (unit; a collective petition of 6 people in March → fails 零上访),
                乙一村商店 (unit; a dispute found and resolved in March)
  Targets 2026: county 村(社区) 90%, 单位(企业) 80%; 乙镇 单位(企业) 95%.
  治安问题: 甲镇 three found (one solved in March, one handed to the police, one still 整治中), one found
  after March (not counted); 乙镇 one found in January and solved only in April (not solved by March's end).
"""

import datetime
import io
import re
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.management import CommandError, call_command

from cases.models import PoliceCase
from dashboards import compute
from dashboards.models import Target
from disputes.models import Dispute, MediationLevel
from hazards.models import Accident, Hazard
from petitions.models import Petition
from publicorder.models import PublicOrderProblem
from reports.builder import DATA_HEADERS, LEDGER_HEADERS, ReportError, build_report
from sanzero.testing import captured_sql, check_role_matrix

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
D = datetime.date


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        yield


def petition(subject, day, **kw):
    data = {
        "channel": "来访",
        "type": "申诉求决",
        "headcount": 1,
        "level_reached": "乡镇",
        "content": "诉求",
        "handle_due": day + datetime.timedelta(days=60),
        "notify_due": day + datetime.timedelta(days=15),
    }
    data.update(kw)
    return Petition.objects.create(subject=subject, received_on=day, **data)


def dispute(subject, day, status="调解中", resolved=None, due=None):
    level = MediationLevel.objects.order_by("order").first()
    return Dispute.objects.create(
        subject=subject,
        found_on=day,
        category="邻里纠纷",
        summary="x",
        level=level,
        level_started_on=day,
        level_days=1,
        status=status,
        resolved_on=resolved,
        overall_due_on=due or day + datetime.timedelta(days=9),
    )


def hazard(subject, day, due, status="整改中", rectified=None):
    return Hazard.objects.create(
        subject=subject,
        found_on=day,
        category="消防",
        level="一般",
        description="x",
        rectify_due=due,
        status=status,
        rectified_on=rectified,
    )


@pytest.fixture
def computed(world):
    village_a, village_a2 = world.village_a.village_subject, world.village_a2.village_subject
    village_b = world.village_b.village_subject
    # 甲镇
    petition(village_a, D(2026, 1, 5))  # ordinary: passes; open past its handling deadline (03-06): overdue
    dispute(village_a2, D(2026, 1, 10), due=D(2026, 1, 20))  # still mediating past its deadline: overdue
    hazard(world.school_a, D(2026, 3, 4), D(2026, 3, 11), status="待验收", rectified=D(2026, 3, 9))
    Accident.objects.create(subject=world.shop_a, occurred_on=D(2026, 2, 14), kind="生产安全", injuries=1)
    petition(
        world.shop_a,
        D(2026, 3, 2),
        status="已办结",
        replied_on=D(2026, 3, 10),
        closed_on=D(2026, 3, 20),
        satisfaction="满意",
    )
    hazard(world.shop_a, D(2026, 2, 2), D(2026, 2, 9))  # still rectifying past its due date: overdue
    # 乙镇
    PoliceCase.objects.create(subject=village_b, occurred_on=D(2026, 3, 10), kind="刑事")
    petition(world.school_b, D(2026, 3, 5), headcount=6)  # collective: fails 零上访; due 05-04, not overdue
    dispute(world.shop_b, D(2026, 3, 3), status="已化解", resolved=D(2026, 3, 8))
    for subject, found, extra in (
        (world.shop_a, D(2026, 2, 10), {"status": "已解决", "resolved_on": D(2026, 3, 5), "result": "已取缔"}),
        (village_a, D(2026, 3, 1), {"status": "已移交", "transferred_on": D(2026, 3, 2), "transferred_to": "派出所"}),
        (village_a, D(2026, 3, 12), {}),
        (village_a, D(2026, 4, 2), {}),  # after March: not counted
        (world.school_b, D(2026, 1, 20), {"status": "已解决", "resolved_on": D(2026, 4, 5), "result": "x"}),
    ):
        PublicOrderProblem.objects.create(subject=subject, found_on=found, category="黄赌毒", description="x", **extra)
    Target.objects.create(year=2026, region=world.county, group="village", rate=Decimal("0.9"))
    Target.objects.create(year=2026, region=world.county, group="unit", rate=Decimal("0.8"))
    Target.objects.create(year=2026, region=world.town_b, group="unit", rate=Decimal("0.95"))
    compute.compute_month(region=world.county, month=MARCH)
    return world


def export(world, region=None, user=None, prepared_by="张三"):
    buffer = io.BytesIO()
    build_report(
        user_or_none=user, region=region or world.county, month=MARCH, stream_or_path=buffer, prepared_by=prepared_by
    )
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def values(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def assert_grid_borders(ws, *, rows, columns):
    """Every cell has a thin border on each side, except the edges inside a merged range."""
    ranges = list(ws.merged_cells.ranges)
    for row in rows:
        for col in columns:
            border = ws.cell(row=row, column=col).border
            m = next((m for m in ranges if m.min_row <= row <= m.max_row and m.min_col <= col <= m.max_col), None)
            edges = (
                {"left": True, "right": True, "top": True, "bottom": True}
                if m is None
                else {
                    "left": col == m.min_col,
                    "right": col == m.max_col,
                    "top": row == m.min_row,
                    "bottom": row == m.max_row,
                }
            )
            for side, outer in edges.items():
                if outer:
                    assert getattr(border, side).style == "thin", (ws.cell(row=row, column=col).coordinate, side)


def approx_rows(rows):
    return [[pytest.approx(v, abs=1e-9) if isinstance(v, float) else v for v in r] for r in rows]


# -- the data sheets, cell by cell ---------------------------------------------------------------

COUNTY, TOWN_A, TOWN_B = (
    ("990121000000", "测试县", "县"),
    ("990121100000", "甲镇", "乡镇(街道)"),
    ("990121101000", "乙镇", "乡镇(街道)"),
)

# (region, group, total, passed, rate, 零上访 n, rate, 零事故 n, rate, 零案件 n, rate, target, gap)
EXPECTED_YTD = [
    [*COUNTY, "全部", 7, 4, 0.5714, 6, 0.8571, 6, 0.8571, 6, 0.8571, None, None],
    [*COUNTY, "村(社区)", 3, 2, 0.6667, 3, 1.0, 3, 1.0, 2, 0.6667, 0.9, 2 / 3 - 0.9],  # exact gap
    [*COUNTY, "单位(企业)", 4, 2, 0.5, 3, 0.75, 3, 0.75, 4, 1.0, 0.8, -0.3],
    [*TOWN_A, "全部", 4, 3, 0.75, 4, 1.0, 3, 0.75, 4, 1.0, None, None],
    [*TOWN_A, "村(社区)", 2, 2, 1.0, 2, 1.0, 2, 1.0, 2, 1.0, 0.9, 0.1],
    [*TOWN_A, "单位(企业)", 2, 1, 0.5, 2, 1.0, 1, 0.5, 2, 1.0, 0.8, -0.3],
    [*TOWN_B, "全部", 3, 1, 0.3333, 2, 0.6667, 3, 1.0, 2, 0.6667, None, None],
    [*TOWN_B, "村(社区)", 1, 0, 0.0, 1, 1.0, 1, 1.0, 0, 0.0, 0.9, -0.9],
    [*TOWN_B, "单位(企业)", 2, 1, 0.5, 1, 0.5, 2, 1.0, 2, 1.0, 0.95, -0.45],
]
# 本月 (March): the February accident of 甲一村超市 does not count; the targets are the same.
EXPECTED_MONTH = [
    [*COUNTY, "全部", 7, 5, 0.7143, 6, 0.8571, 7, 1.0, 6, 0.8571, None, None],
    [*COUNTY, "村(社区)", 3, 2, 0.6667, 3, 1.0, 3, 1.0, 2, 0.6667, 0.9, 2 / 3 - 0.9],  # exact gap
    [*COUNTY, "单位(企业)", 4, 3, 0.75, 3, 0.75, 4, 1.0, 4, 1.0, 0.8, -0.05],
    [*TOWN_A, "全部", 4, 4, 1.0, 4, 1.0, 4, 1.0, 4, 1.0, None, None],
    [*TOWN_A, "村(社区)", 2, 2, 1.0, 2, 1.0, 2, 1.0, 2, 1.0, 0.9, 0.1],
    [*TOWN_A, "单位(企业)", 2, 2, 1.0, 2, 1.0, 2, 1.0, 2, 1.0, 0.8, 0.2],
    [*TOWN_B, "全部", 3, 1, 0.3333, 2, 0.6667, 3, 1.0, 2, 0.6667, None, None],
    [*TOWN_B, "村(社区)", 1, 0, 0.0, 1, 1.0, 1, 1.0, 0, 0.0, 0.9, -0.9],
    [*TOWN_B, "单位(企业)", 2, 1, 0.5, 1, 0.5, 2, 1.0, 2, 1.0, 0.95, -0.45],
]
# (code, name, 纠纷排查, 化解, 化解率, 隐患排查, 整改, 整改率, 信访件数, 办结, 办结率, 超期未办结), 年度累计
EXPECTED_LEDGERS = [
    ["990121000000", "测试县", 2, 1, 0.5, 2, 1, 0.5, 3, 1, 0.3333, 3, 4, 1, 0.25],
    ["990121100000", "甲镇", 1, 0, 0.0, 2, 1, 0.5, 2, 1, 0.5, 3, 3, 1, 0.3333],
    ["990121101000", "乙镇", 1, 1, 1.0, 0, 0, None, 1, 0, 0.0, 0, 1, 0, 0.0],  # no hazard: an empty rate, not 0%
]


def test_sheets_in_order(computed):
    assert export(computed).sheetnames == ["汇总表", "达标数据", "月度数据", "台账数据"]


def test_year_to_date_sheet_every_cell(computed):
    ws = export(computed)["达标数据"]
    assert values(ws) == [DATA_HEADERS, *approx_rows(EXPECTED_YTD)]
    assert DATA_HEADERS == [
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
    for row in ws.iter_rows(min_row=2):
        assert row[0].data_type == "s"  # codes stay text
        for cell in (row[6], row[8], row[10], row[12], row[13], row[14]):
            assert cell.number_format == "0.0%"
        assert isinstance(row[6].value, (int, float))  # a number, not the text "57.1%"


def test_month_sheet_every_cell(computed):
    ws = export(computed)["月度数据"]
    assert values(ws) == [DATA_HEADERS, *approx_rows(EXPECTED_MONTH)]


def test_ledger_sheet_every_cell(computed):
    ws = export(computed)["台账数据"]
    assert LEDGER_HEADERS == [
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
        "治安问题排查数",
        "治安问题解决数",
        "治安问题解决率",
    ]
    assert values(ws) == [LEDGER_HEADERS, *approx_rows(EXPECTED_LEDGERS)]
    for row in ws.iter_rows(min_row=2):
        assert [row[i].number_format for i in (4, 7, 10, 14)] == ["0.0%"] * 4


def test_empty_denominator_is_an_empty_cell_for_a_township_report(computed):
    """甲镇's report: its children are 甲城社区 (990121100001) and 甲一村; 甲城社区 has no unit subject."""
    ws = export(computed, region=computed.town_a)["达标数据"]
    rows = values(ws)[1:]
    assert [(r[0], r[3]) for r in rows] == [
        ("990121100000", "全部"),
        ("990121100000", "村(社区)"),
        ("990121100000", "单位(企业)"),
        ("990121100001", "全部"),
        ("990121100001", "村(社区)"),
        ("990121100001", "单位(企业)"),
        ("990121100200", "全部"),
        ("990121100200", "村(社区)"),
        ("990121100200", "单位(企业)"),
    ]
    community_unit = rows[5]
    assert community_unit[1:3] == ["甲城社区", "社区"]
    assert community_unit[4:] == [0, 0, None, 0, None, 0, None, 0, None, 0.8, None]


# -- 汇总表 -----------------------------------------------------------------------------------------


def test_summary_sheet_structure_values_and_print_settings(computed):
    ws = export(computed)["汇总表"]
    assert ws["A1"].value == "测试县2026年3月“三零”创建达标情况汇总表"
    assert ws["A1"].alignment.horizontal == "center" and ws["A1"].font.bold
    assert "宋体" in ws["A1"].font.name
    assert "2026年1月1日至3月31日" in ws["A2"].value and "年度累计" in ws["A2"].value
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:V1", "A2:V2", "A3:A4", "B3:E3", "F3:I3", "J3:L3", "M3:O3", "P3:R3", "S3:U3", "V3:V4"} <= merged
    assert [ws.cell(row=3, column=c).value for c in (1, 2, 6, 10, 13, 16, 19, 22)] == [
        "区域",
        "村(社区)",
        "单位(企业)",
        "合计",
        "矛盾纠纷",
        "安全隐患",
        "信访",
        "超期未办结数",
    ]
    assert [ws.cell(row=4, column=c).value for c in range(2, 22)] == [
        "总数",
        "达标数",
        "达标率",
        "目标",
        "总数",
        "达标数",
        "达标率",
        "目标",
        "总数",
        "达标数",
        "达标率",
        "排查数",
        "化解数",
        "化解率",
        "排查数",
        "整改数",
        "整改率",
        "件数",
        "办结数",
        "办结率",
    ]
    body = [list(r) for r in ws.iter_rows(min_row=5, max_row=7, values_only=True)]
    assert body == approx_rows(
        [
            ["甲镇", 2, 2, 1.0, 0.9, 2, 1, 0.5, 0.8, 4, 3, 0.75, 1, 0, 0.0, 2, 1, 0.5, 2, 1, 0.5, 3],
            ["乙镇", 1, 0, 0.0, 0.9, 2, 1, 0.5, 0.95, 3, 1, 0.3333, 1, 1, 1.0, 0, 0, None, 1, 0, 0.0, 0],
            ["合计", 3, 2, 0.6667, 0.9, 4, 2, 0.5, 0.8, 7, 4, 0.5714, 2, 1, 0.5, 2, 1, 0.5, 3, 1, 0.3333, 3],
        ]
    )
    assert ws["A7"].font.bold and ws["L7"].font.bold
    assert ws["D5"].number_format == "0.0%" and ws["B5"].number_format == "General"
    assert_grid_borders(ws, rows=range(3, 8), columns=range(1, 23))
    footer = [ws.cell(row=9, column=c).value for c in (1, 7, 12, 17)]
    assert footer == ["填报单位：测试县平安办", "填报人：张三", "审核人：", "填报日期：2026年4月10日"]
    assert ws["A10"].value.startswith("说明：")
    # print-ready: A4 landscape, one page wide, header rows repeated, header frozen
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4  # 9 = A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$3:$4"
    assert ws.freeze_panes == "B5"
    assert ws.print_options.horizontalCentered


def test_summary_of_a_township_has_a_row_for_its_own_subjects(computed):
    """甲镇中心学校 sits in the township itself, in no village: a 本级直属 row makes the table add up."""
    ws = export(computed, region=computed.town_a, user=computed.users["clerk_a"], prepared_by="李四")["汇总表"]
    names = [ws.cell(row=r, column=1).value for r in range(5, 9)]
    assert names == ["甲城社区", "甲一村", "甲镇本级直属", "合计"]
    direct = [ws.cell(row=7, column=c).value for c in range(2, 23)]
    assert (
        direct == approx_rows([[0, 0, None, 0.9, 1, 1, 1.0, 0.8, 1, 1, 1.0, 0, 0, None, 1, 1, 1.0, 0, 0, None, 0]])[0]
    )
    total = [ws.cell(row=8, column=c).value for c in (2, 3, 6, 7, 10, 11, 22)]
    assert total == [2, 2, 2, 1, 4, 3, 3]
    assert ws["A1"].value.startswith("甲镇2026年3月")
    assert ws.cell(row=10, column=7).value == "填报人：李四"


# -- snapshot tables only, scope, missing snapshots ---------------------------------------------------


def test_the_report_reads_no_ledger_table(computed):
    with captured_sql() as sqls:
        export(computed, user=computed.users["county"])
    tables = sorted({t for sql in sqls for t in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', sql)})
    assert not [t for t in tables if t.startswith(("disputes_", "hazards_", "petitions_", "cases_"))], tables
    assert "dashboards_regionmonth" in tables
    assert len(sqls) <= 3, "\n".join(sqls)


def test_a_month_without_snapshots_is_a_clear_error(computed):
    with pytest.raises(ReportError, match="测试县2026年4月尚未计算月度快照"):
        build_report(user_or_none=None, region=computed.county, month=D(2026, 4, 1), stream_or_path=io.BytesIO())


def test_a_region_outside_the_users_scope_is_refused(computed):
    with pytest.raises(ReportError, match="不在您的管辖范围内"):
        build_report(
            user_or_none=computed.users["clerk_a"], region=computed.county, month=MARCH, stream_or_path=io.BytesIO()
        )
    with pytest.raises(ReportError, match="不能导出"):
        build_report(
            user_or_none=computed.users["grid_a"], region=computed.village_a, month=MARCH, stream_or_path=io.BytesIO()
        )


# -- export_report ------------------------------------------------------------------------------------


def test_export_report_command_writes_the_root_region_by_default(computed, tmp_path):
    out = io.StringIO()
    target = tmp_path / "report.xlsx"
    call_command("export_report", "--month", "2026-03", "--output", str(target), stdout=out)
    assert "测试县2026年3月" in out.getvalue()
    wb = openpyxl.load_workbook(target)
    assert values(wb["台账数据"]) == [LEDGER_HEADERS, *approx_rows(EXPECTED_LEDGERS)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]  # no temporary file left behind
    call_command(
        "export_report",
        "--month",
        "2026-03",
        "--region",
        computed.town_b.code,
        "--output",
        str(target),
        stdout=io.StringIO(),
    )
    assert openpyxl.load_workbook(target)["汇总表"]["A1"].value.startswith("乙镇")


@pytest.mark.parametrize(
    "args,message",
    [
        (["--month", "2026-13"], "格式不正确"),
        (["--month", "三月"], "格式不正确"),
        (["--month", "2026-03", "--region", "990199000000"], "不存在"),
        (["--month", "2026-03", "--region", "abc"], "不存在"),
        (["--month", "2026-03", "--region", "９９０１２１０００００"], "不存在"),
        (["--month", "2026-03", "--region", "²"], "不存在"),
        (["--month", "2026-05"], "尚未计算月度快照"),
    ],
)
def test_export_report_refuses_bad_input_and_writes_nothing(computed, tmp_path, args, message):
    target = tmp_path / "report.xlsx"
    with pytest.raises(CommandError, match=message) as exc:
        call_command("export_report", *args, "--output", str(target), stdout=io.StringIO())
    assert exc.value.returncode == 1
    assert list(tmp_path.iterdir()) == []


def test_export_report_keeps_an_older_file_when_it_fails(computed, tmp_path):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"older report")
    with pytest.raises(CommandError):
        call_command("export_report", "--month", "2026-06", "--output", str(target), stdout=io.StringIO())
    assert target.read_bytes() == b"older report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_export_report_refuses_a_missing_directory(computed, tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        call_command("export_report", "--month", "2026-03", "--output", str(tmp_path / "no" / "r.xlsx"))
    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("export_report", "--month", "2026-03", "--output", str(tmp_path / "r.csv"))
    assert list(tmp_path.iterdir()) == []


# -- the 报表 page -------------------------------------------------------------------------------------


def test_report_page_role_matrix(computed, client_as):
    check_role_matrix(
        client_as,
        "/reports/",
        {"anonymous": 302, "admin": 200, "county": 200, "clerk_a": 200, "clerk_b": 200, "grid_a": 403, "dept_edu": 200},
    )  # a department gets the report of the subjects it supervises (issue 9.5)
    url = f"/reports/?region={computed.county.code}&month=2026-03&download=1"
    responses = check_role_matrix(
        client_as, url, {"anonymous": 302, "admin": 200, "county": 200, "clerk_a": 404, "grid_a": 403, "dept_edu": 200}
    )
    assert responses["county"]["Content-Type"].startswith("application/vnd.openxmlformats")


def test_download_has_a_chinese_filename_and_the_user_as_preparer(computed, client_as):
    county = computed.users["county"]
    county.full_name = "王五"
    county.save()
    response = client_as("county").get(f"/reports/?region={computed.county.code}&month=2026-03&download=1")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="sanzero-report-990121000000-2026-03.xlsx"' in disposition
    # 测试县2026年3月三零创建达标情况汇总表.xlsx, percent-encoded UTF-8 (RFC 5987)
    assert "filename*=UTF-8''%E6%B5%8B%E8%AF%95%E5%8E%BF2026%E5%B9%B43%E6%9C%88" in disposition
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb["汇总表"].cell(row=9, column=7).value == "填报人：王五"
    assert values(wb["达标数据"]) == [DATA_HEADERS, *approx_rows(EXPECTED_YTD)]


def test_clerk_downloads_their_township_and_the_page_offers_their_regions(computed, client_as):
    client = client_as("clerk_a")
    page = client.get("/reports/")
    assert page.context["region"] == computed.town_a
    # the region picker may offer (and accepts) their township only
    assert [r.code for r in page.context["region_form"].fields["region"].queryset] == [computed.town_a.code]
    assert page.context["month_value"] == "2026-03"
    response = client.get(f"/reports/?region={computed.town_a.code}&month=2026-03&download=1")
    assert response.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(response.content))["汇总表"]["A1"].value.startswith("甲镇")
    assert client.get(f"/reports/?region={computed.town_b.code}&month=2026-03&download=1").status_code == 404


def test_page_shows_the_error_for_a_month_without_snapshots(computed, client_as):
    client = client_as("county")
    response = client.get(f"/reports/?region={computed.county.code}&month=2026-07&download=1")
    assert response.status_code == 200
    assert "尚未计算月度快照" in response.content.decode()
    response = client.get(f"/reports/?region={computed.county.code}&month=2026-3x&download=1")
    assert "格式不正确" in response.content.decode()


def test_nav_entry_for_report_roles_only(computed, client_as):
    assert 'href="/reports/"' in client_as("county").get("/dashboard/?month=2026-03").content.decode()
    assert 'href="/reports/"' not in client_as("grid_a").get("/dashboard/?month=2026-03").content.decode()


@pytest.mark.skipif(
    not shutil.which("soffice") or not shutil.which("pdftotext"),
    reason="LibreOffice (soffice) and poppler-utils are not installed",
)
def test_the_summary_sheet_prints_on_one_a4_landscape_page(computed, tmp_path):
    """What the 平安办 prints: LibreOffice turns 汇总表 alone into one A4 landscape page holding every
    column (fit to width), the 合计 row and the footer."""
    target = tmp_path / "report.xlsx"
    call_command("export_report", "--month", "2026-03", "--output", str(target), stdout=io.StringIO())
    wb = openpyxl.load_workbook(target)
    for name in wb.sheetnames[1:]:
        del wb[name]
    summary = tmp_path / "summary.xlsx"
    wb.save(summary)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(summary),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    info = subprocess.run(["pdfinfo", str(tmp_path / "summary.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+1\n", info)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (842, 595)  # A4, landscape
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "summary.pdf"), "-"], capture_output=True, text=True
    ).stdout
    for needle in ("测试县2026年3月", "村(社区)", "超期未办结数", "合计", "填报单位", "审核人", "填报日期"):
        assert needle in text, needle


def test_dashboards_never_import_reports():
    """The layering: reports read the snapshots through dashboards, never the other way round (the
    go-live tests of dashboards may compare a page with the report)."""
    from pathlib import Path

    import dashboards

    root = Path(dashboards.__file__).parent
    importing = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "tests" not in p.relative_to(root).parts
        and re.search(r"^\s*(from|import) reports\b", p.read_text(encoding="utf-8"), re.MULTILINE)
    ]
    assert importing == []
