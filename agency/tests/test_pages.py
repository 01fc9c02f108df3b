"""The 书记代办 pages: registered from a petition's or a dispute's page, 逐级上报 and 办结 as forms, the audit
trail on the record's page, the list's Excel export and the 督办 page's figures."""

import datetime
import io

import openpyxl
import pytest

from agency.models import Agency
from agency.tests.helpers import agency
from disputes.tests.helpers import dispute
from petitions.tests.helpers import petition

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


def test_a_clerk_registers_escalates_and_finishes_from_the_petitions_page(world, client_as):
    p = petition(world, source="上级交办")
    client = client_as("clerk_a")
    page = client.get(f"/petitions/{p.pk}/").content.decode()
    assert "尚无书记代办记录" in page and f"/agency/new/?petition={p.pk}" in page
    form = client.get("/agency/new/", {"petition": p.pk})
    assert form.status_code == 200 and form.context["form"]["source"].value() == "上级交办"  # from the petition
    url = f"/agency/new/?petition={p.pk}"
    data = {
        "source": "上级交办",
        "assigned_by": "县信访局",
        "included": "on",
        "level": "村",
        "secretary": "",
        "taken_on": "2026-02-03",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and refused.context["form"].errors["secretary"] == [
        "纳入代办的，请填写代办书记姓名。"
    ]
    assert client.post(url, {**data, "secretary": "赵书记"}).status_code == 302
    record = Agency.objects.get(petition=p)
    assert (record.level, record.secretary, record.source, record.created_by) == (
        "村",
        "赵书记",
        "上级交办",
        world.users["clerk_a"],
    )
    assert client.get("/agency/new/", {"petition": p.pk}).url == f"/agency/{record.pk}/"  # one per matter
    page = client.get(f"/petitions/{p.pk}/").content.decode()
    assert "<strong>村(社区)书记</strong> 赵书记" in page and "于 2026-02-03 列入代办" in page

    assert (
        client.post(
            f"/agency/{record.pk}/escalate/", {"secretary": "王书记", "on": "2026-03-01", "version": 1}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/agency/{record.pk}/finish/",
            {"finished_on": "2026-03-20", "outcome": "已解决", "note": "补偿款已发放", "version": 2},
        ).status_code
        == 302
    )
    html = client.get(f"/agency/{record.pk}/").content.decode()
    for text in (
        "乡镇(街道)书记 王书记",
        "逐级上报：村(社区)书记赵书记本级未能解决，2026-03-01上报乡镇(街道)书记王书记代办",
        "办结：已解决（事要解决）。补偿款已发放",
        "登记书记代办（上级交办）",
        "已办结",
    ):
        assert text in html, text
    assert "逐级上报至" not in html  # no step left on a finished record
    stale = client.post(f"/agency/{record.pk}/edit/", {**data, "secretary": "钱书记", "level": "乡镇", "version": 1})
    assert stale.status_code == 400 and "已被其他用户修改" in stale.content.decode()


def test_a_dispute_page_offers_the_same_card(world, client_as):
    d = dispute(world)
    client = client_as("grid_a")
    assert f"/agency/new/?dispute={d.pk}" in client.get(f"/disputes/{d.pk}/").content.decode()
    record = agency(world, d, user="grid_a", level="村", secretary="赵书记", taken_on=datetime.date(2026, 3, 3))
    assert "<strong>村(社区)书记</strong> 赵书记" in client.get(f"/disputes/{d.pk}/").content.decode()
    assert record.matter_kind_label == "矛盾纠纷"
    # the county sees the card, without the button of a role that cannot record
    other = dispute(world, summary="另一纠纷")
    html = client_as("county").get(f"/disputes/{other.pk}/").content.decode()
    assert "登记书记代办" not in html


def test_the_export_and_the_supervision_figures(world, client_as):
    p = petition(world)
    agency(world, p, level="县", secretary="李书记")
    agency(
        world, petition(world, content="反映路灯不亮"), source="上级交办", included=False, not_included_reason="已终结"
    )
    response = client_as("county").get("/agency/", {"export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and "列入日期" in r)
    records = [dict(zip(header, r, strict=False)) for r in rows[rows.index(header) + 1 :] if r and r[0]]
    by_level = {r["代办书记层级"]: r for r in records}
    assert set(by_level) == {"县委书记", None}
    assert by_level["县委书记"]["信访件编号"] == p.case_number and by_level["县委书记"]["代办书记"] == "李书记"
    assert (by_level[None]["纳入代办"], by_level[None]["未纳入原因"], by_level[None]["状态"]) == (
        "否",
        "已终结",
        "未纳入",
    )
    html = client_as("county").get("/supervision/").content.decode()
    assert "书记代办（代办中）" in html and "县委书记代办" in html
