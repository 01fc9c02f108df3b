"""Issue 14: what real 信访 systems record — 信访件编号 (entered, or the county's next one), 信访来源,
异常访 (进京/进省/进市/进县) beside 越级/集体/非正常, 责任单位 and 包案领导 — on the form, the page, the
list, the export and the import (DESIGN §7's headers kept, the new columns optional)."""

import datetime
import io

import openpyxl
import pytest

from ledger.testing import xlsx_of
from petitions.models import Petition
from petitions.tests.helpers import CONTENT, fresh, petition
from sanzero.importing.base import get_kind
from sanzero.importing.engine import import_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]

DESIGN_HEADERS = [
    "登记日期", "信访形式", "信访类型", "信访人", "身份证号", "联系电话", "人数", "到访层级", "是否越级",
    "是否非正常访", "诉求内容", "状态", "答复日期", "办结日期", "满意度",
]  # fmt: skip
NEW_HEADERS = ["信访件编号", "信访来源", "是否重复访", "异常访", "责任单位", "包案领导"]


def test_the_system_numbers_petitions_per_county_and_year_and_keeps_an_entered_number(world, client_as):
    first = petition(world)
    second = petition(world, user="clerk_b", subject=world.shop_b, received_on=datetime.date(2026, 2, 2))
    assigned = petition(world, case_number="JB-2026-0042", source="上级交办")
    last_year = petition(world, received_on=datetime.date(2025, 12, 30))
    assert (first.case_number, second.case_number) == ("XF202699012100001", "XF202699012100002")
    assert (assigned.case_number, last_year.case_number) == ("JB-2026-0042", "XF202599012100001")
    client = client_as("clerk_a")
    form = {
        "subject": world.shop_a.pk,
        "received_on": "2026-02-10",
        "channel": "来访",
        "type": "申诉求决",
        "headcount": 1,
        "level_reached": "乡镇",
        "content": CONTENT,
        "case_number": "JB-2026-0042",
        "source": "上级交办",
    }
    refused = client.post("/petitions/new/", form)
    assert refused.status_code == 400
    assert refused.context["form"].errors["case_number"] == ["该信访件编号已被其他信访使用。"]
    assert client.post("/petitions/new/", {**form, "case_number": ""}).status_code == 302
    assert Petition.objects.latest("pk").case_number == "XF202699012100003"
    # an edit that leaves the number blank keeps it; a corrected one is audited
    edit = {**form, "case_number": "", "version": 1}
    assert client.post(f"/petitions/{first.pk}/edit/", edit).status_code == 302
    assert fresh(first).case_number == "XF202699012100001"
    assert (
        client.post(f"/petitions/{first.pk}/edit/", {**edit, "case_number": "XF-FIX-1", "version": 2}).status_code
        == 302
    )
    page = client.get(f"/petitions/{first.pk}/").content.decode()
    assert "XF-FIX-1" in page and "XF202699012100001" in page  # the number and its change in 办理过程


def test_abnormal_visits_are_kept_beside_the_flags_and_shown(world, client_as):
    p = petition(
        world,
        level_reached="国家",
        is_abnormal=True,
        abnormal_visit="进京",
        is_skip_level=True,
        source="转送",
        responsible_unit="县自然资源局",
        lead_official="李副县长",
    )
    assert p.flag_labels == ["越级", "进京异常访"] and p.is_key
    client = client_as("county")
    page = client.get(f"/petitions/{p.pk}/").content.decode()
    for text in ("进京异常访", "县自然资源局", "李副县长", "转送", p.case_number):
        assert text in page, text
    listing = client.get("/petitions/", {"abnormal_visit": "进京"})
    assert [row.record for row in listing.context["table"].page.object_list] == [p]
    assert "进京异常访" in listing.content.decode() and p.case_number in listing.content.decode()
    assert not client.get("/petitions/", {"abnormal_visit": "进省"}).context["table"].page.object_list
    assert [r.record for r in client.get("/petitions/", {"source": "转送"}).context["table"].page.object_list] == [p]


def test_the_export_has_the_new_columns(world, client_as):
    p = petition(world, source="上级交办", is_repeat=True, responsible_unit="甲镇人民政府", lead_official="王镇长")
    response = client_as("county").get("/petitions/", {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and "信访件编号" in r)
    values = dict(zip(header, rows[rows.index(header) + 1], strict=False))
    assert {h: values[h] for h in NEW_HEADERS} == {
        "信访件编号": p.case_number,
        "信访来源": "上级交办",
        "是否重复访": "是",
        "异常访": None,
        "责任单位": "甲镇人民政府",
        "包案领导": "王镇长",
    }
    assert "重复访" in values["重点"]


def test_the_template_keeps_design_headers_and_lists_the_optional_new_columns():
    spec = get_kind("petitions").spec()
    headers = list(spec.headers)
    assert headers[:2] == ["所属区划代码", "主体名称"] and headers[2:17] == DESIGN_HEADERS
    assert headers[17:] == NEW_HEADERS
    assert not any(c.required for c in spec.columns if c.header in NEW_HEADERS)
    from sanzero.xlsx import write_template

    buffer = io.BytesIO()
    kind = get_kind("petitions")
    write_template(buffer, spec, title="信访导入模板", notes=kind.template_notes())
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert [c.value for c in book.worksheets[0][1]] == headers
    explained = {row[0] for row in book["说明"].iter_rows(values_only=True) if row and row[0]}
    assert set(NEW_HEADERS) <= explained
    notes = " ".join(str(row[0]) for row in book["说明"].iter_rows(values_only=True) if row and row[0])
    assert "选填列" in notes and "进京" in notes


def _sheet(rows: list[dict]) -> bytes:
    headers = list(dict.fromkeys(h for row in rows for h in row))
    return xlsx_of([headers, *[[row.get(h) for h in headers] for row in rows]])


ROW = {
    "所属区划代码": "990121100200",
    "主体名称": "甲一村超市",
    "登记日期": "2026-03-02",
    "信访形式": "来访",
    "诉求内容": "反映道路积水",
}


def test_an_import_sets_the_new_columns_and_refuses_bad_ones_by_row(world):
    clerk = world.users["clerk_a"]
    bad = _sheet(
        [
            {**ROW, "信访件编号": "JB-1", "异常访": "进京", "到访层级": "国家"},
            {**ROW, "诉求内容": "反映路灯不亮", "信访件编号": "JB-1"},
            {**ROW, "诉求内容": "反映垃圾清运", "信访来源": "上访"},
        ]
    )
    result = import_file(actor=clerk, kind="petitions", file=bad, dry_run=False)
    assert not result.ok and not Petition.objects.exists()
    assert "第3行 信访件编号: 与第2行的信访件编号相同，同一编号只能登记一件信访" in result.errors
    assert any(e.startswith("第2行 是否非正常访: 记录了进京异常访") for e in result.errors), result.errors
    assert any(e.startswith("第4行 信访来源:") for e in result.errors), result.errors
    good = _sheet(
        [
            {
                **ROW,
                "信访件编号": "JB-1",
                "信访来源": "上级交办",
                "是否非正常访": "是",
                "异常访": "进市",
                "到访层级": "市",
                "是否重复访": "否",
                "责任单位": "甲镇人民政府",
                "包案领导": "王镇长",
            },
            {**ROW, "诉求内容": "反映路灯不亮"},
        ]
    )
    result = import_file(actor=clerk, kind="petitions", file=good, dry_run=False)
    assert result.ok and result.new == 2, result.errors
    first, second = Petition.objects.order_by("pk")
    assert (first.case_number, first.source, first.abnormal_visit, first.responsible_unit, first.lead_official) == (
        "JB-1",
        "上级交办",
        "进市",
        "甲镇人民政府",
        "王镇长",
    )
    assert second.case_number == "XF202699012100001" and second.source == "本级受理"
    # again, without the optional columns: nothing changes (the numbers are kept)
    again = import_file(
        actor=clerk, kind="petitions", file=_sheet([ROW, {**ROW, "诉求内容": "反映路灯不亮"}]), dry_run=False
    )
    assert again.ok and (again.new, again.changed, again.unchanged) == (0, 0, 2), again.errors
    assert fresh(first).case_number == "JB-1" and fresh(first).source == "上级交办"
