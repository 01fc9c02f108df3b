"""排名通报 (issue 14, point 6): generated from the snapshot, edited as a draft, published as 第N期 (page,
xlsx, PDF) and never changed afterwards."""

import datetime
import io

import pytest
import time_machine
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from bulletins import document, files, services
from bulletins.models import Bulletin, BulletinMention
from bulletins.tests.helpers import MARCH, NOW, build_month, ranking_cells
from dashboards import compute
from dashboards.models import ALL_GROUPS, Period, RegionMonth
from hazards.models import Accident
from sanzero.rates import percent_text, points_text
from sanzero.services import ServiceError

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def march(world):
    build_month(world)
    return world


def draft(world, month=MARCH) -> Bulletin:
    return services.bulletin_create(actor=world.users["county"], region=world.county, month=month)


def publish(world, bulletin) -> Bulletin:
    return services.bulletin_publish(actor=world.users["county"], bulletin=bulletin)


def snapshot(region, month=MARCH) -> dict[str, RegionMonth]:
    rows = RegionMonth.objects.filter(region=region, month=month, period=Period.YTD)
    return {r.group: r for r in rows}


def expected_rows(world, month=MARCH) -> list[tuple]:
    """The snapshot's figures of each township, ranked by 三零 rate (ties in code order), independently."""
    towns = sorted([world.town_a, world.town_b], key=lambda t: (-snapshot(t, month)[ALL_GROUPS].rate, t.code))
    out = []
    for rank, town in enumerate(towns, start=1):
        rows = snapshot(town, month)
        out.append((rank, town, rows[ALL_GROUPS], rows["village"], rows["unit"]))
    return out


# --- the numbers are the snapshot's ---------------------------------------------------------------


def test_the_bulletins_numbers_equal_the_snapshot_in_the_page_and_in_the_xlsx(march, client_as):
    county = client_as("county")
    response = county.post("/bulletins/new/", {"region": march.county.code, "month": "2026-03"})
    bulletin = Bulletin.objects.get()
    assert response.headers["Location"] == f"/bulletins/{bulletin.pk}/"
    county.post(f"/bulletins/{bulletin.pk}/publish/")
    bulletin.refresh_from_db()
    assert bulletin.published and bulletin.number_text == "2026年第1期"

    expected = expected_rows(march)
    assert [t.name for _, t, *_ in expected] == ["乙镇", "甲镇"]
    for page in (county.get(f"/bulletins/{bulletin.pk}/"), client_as("clerk_a").get(f"/bulletins/{bulletin.pk}/")):
        cells = ranking_cells(page.content.decode())
        for rank, town, whole, village, unit in expected:
            assert cells[town.code] == [
                str(rank),
                town.name,
                str(whole.total),
                str(whole.passed),
                percent_text(whole.rate),
                percent_text(village.rate),
                percent_text(village.target),
                points_text(village.gap),
                percent_text(unit.rate),
                percent_text(unit.target),
                points_text(unit.gap),
                str(whole.overdue_open),
            ]
    # spelled out once, so that a wrong helper cannot hide a wrong number: 甲镇 has 3 of 4 subjects passing
    assert cells[march.town_a.code][:8] == ["2", "甲镇", "4", "3", "75.0%", "50.0%", "80.0%", "−30.0"]

    xlsx = county.get(f"/bulletins/{bulletin.pk}/xlsx/")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(xlsx.content))[files.DATA_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == files.DATA_HEADERS
    assert len(rows) == 1 + len(expected)
    for (rank, town, whole, village, unit), row in zip(expected, rows[1:], strict=True):
        assert row[:5] == (rank, town.code, town.name, whole.total, whole.passed)
        assert row[5] == float(whole.rate.shown_fraction(1))
        assert row[6] == float(village.rate.shown_fraction(1)) and row[7] == float(village.target)
        assert row[8] == pytest.approx(float(village.gap), abs=1e-12)
        assert row[9] == float(unit.rate.shown_fraction(1)) and row[10] == float(unit.target)
        assert row[11] == pytest.approx(float(unit.gap), abs=1e-12)
        assert row[12] == whole.overdue_open
    assert ws.cell(row=2, column=6).number_format == "0.0%"


def test_a_draft_has_the_top_three_a_red_and_black_list_and_the_supervised_items(march, client_as):
    bulletin = draft(march)
    mentions = {(m.board, m.region.name): m.reason for m in bulletin.mentions.select_related("region")}
    assert set(mentions) == {("red", "乙镇"), ("black", "甲镇")}
    assert mentions[("black", "甲镇")] == "村(社区)达标率50.0%，低于年度目标30.0个百分点。"
    assert mentions[("red", "乙镇")].startswith("年度累计“三零”达标率100.0%，居第1位")
    assert "甲镇：村(社区)达标率50.0%，低于年度目标30.0个百分点" in bulletin.supervised
    page = client_as("county").get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert "排名前三：乙镇（100.0%）、甲镇（75.0%）" in page
    assert "（发布时编号）" in page and "草稿" in page


# --- numbering --------------------------------------------------------------------------------------


def test_numbers_run_per_county_and_year_without_gaps(march, client_as):
    from units import services as unit_services
    from units.models import Category, RegionLevel, Subject

    jan = draft(march, datetime.date(2026, 1, 1))
    feb = draft(march, datetime.date(2026, 2, 1))
    mar = draft(march)
    services.bulletin_delete(actor=march.users["county"], bulletin=feb)  # a deleted draft leaves no gap
    assert publish(march, mar).number == 1
    assert publish(march, jan).number == 2
    assert publish(march, draft(march, datetime.date(2026, 2, 1))).number == 3
    # another county counts from 1
    other = unit_services.region_create(
        actor=None, code="990122000000", name="邻县", level=RegionLevel.COUNTY, parent=None
    )
    town = unit_services.region_create(
        actor=None, code="990122100000", name="邻镇", level=RegionLevel.TOWNSHIP, parent=other
    )
    Subject.objects.create(name="邻镇企业", category=Category.objects.get(name="企业"), region=town)
    compute.compute_month(region=other, month=MARCH)
    theirs = services.bulletin_create(actor=march.users["admin"], region=other, month=MARCH)
    assert services.bulletin_publish(actor=march.users["admin"], bulletin=theirs).number_text == "2026年第1期"
    numbers = sorted(Bulletin.objects.filter(region=march.county).values_list("year", "number"))
    assert numbers == [(2026, 1), (2026, 2), (2026, 3)]
    listing = client_as("county").get("/bulletins/").content.decode()
    assert "2026年第3期" in listing and "2026年第1期" in listing


def test_a_publish_that_read_a_stale_number_takes_the_next_one(march, monkeypatch):
    """Two publishes at once both read the same free number; the unique constraint refuses the second's
    save and it takes the next number (on PostgreSQL with real threads: test_concurrent_publish.py)."""
    first, second = draft(march), draft(march, datetime.date(2026, 2, 1))
    publish(march, first)
    real, calls = services.next_number, []

    def stale_once(region, year):
        calls.append(year)
        return 1 if len(calls) == 1 else real(region, year)  # what it read before the first one committed

    monkeypatch.setattr(services, "next_number", stale_once)
    assert publish(march, second).number == 2
    assert len(calls) == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Bulletin.objects.filter(pk=second.pk).update(number=1)


# --- published is final -------------------------------------------------------------------------


def test_a_published_bulletin_refuses_edits_and_its_document_is_stable(march, client_as):
    county = client_as("county")
    bulletin = publish(march, draft(march))
    stored_xlsx, stored_pdf, stored_content = bytes(bulletin.xlsx), bytes(bulletin.pdf), bulletin.content
    page_before = ranking_cells(county.get(f"/bulletins/{bulletin.pk}/").content.decode())

    for call in (
        lambda: services.bulletin_update(
            actor=march.users["county"], bulletin=bulletin, data={"title": "x"}, mentions=[]
        ),
        lambda: services.bulletin_refresh(actor=march.users["county"], bulletin=bulletin),
        lambda: services.bulletin_publish(actor=march.users["county"], bulletin=bulletin),
        lambda: services.bulletin_delete(actor=march.users["county"], bulletin=bulletin),
    ):
        with pytest.raises(ServiceError, match="该通报已发布（2026年第1期），不能修改"):
            call()
    response = county.post(f"/bulletins/{bulletin.pk}/edit/", {"title": "改标题"})
    page = county.get(response.headers["Location"]).content.decode()
    assert "该通报已发布（2026年第1期），不能修改" in page
    assert f'href="/bulletins/{bulletin.pk}/edit/"' not in page

    # the snapshot moves (a back-entered accident at 乙镇): the published bulletin does not
    school_b = march.school_b
    Accident.objects.create(subject=school_b, occurred_on=datetime.date(2026, 3, 20), kind="其他", deaths=1)
    compute.compute_month(region=march.county, month=MARCH)
    assert snapshot(march.town_b)[ALL_GROUPS].passed == 2
    bulletin.refresh_from_db()
    assert bulletin.content == stored_content and bytes(bulletin.xlsx) == stored_xlsx
    assert ranking_cells(county.get(f"/bulletins/{bulletin.pk}/").content.decode()) == page_before
    assert county.get(f"/bulletins/{bulletin.pk}/xlsx/").content == stored_xlsx
    assert county.get(f"/bulletins/{bulletin.pk}/pdf/").content == stored_pdf
    # regenerating from the stored document gives the same content: same PDF bytes, same xlsx cells
    assert files.render_pdf(stored_content, sha256=bulletin.content_sha256) == stored_pdf
    again = load_workbook(io.BytesIO(files.render_xlsx(stored_content, sha256=bulletin.content_sha256)))
    kept = load_workbook(io.BytesIO(stored_xlsx))
    for name in kept.sheetnames:
        assert [list(r) for r in kept[name].iter_rows(values_only=True)] == [
            list(r) for r in again[name].iter_rows(values_only=True)
        ]
    assert document.digest(stored_content) == bulletin.content_sha256
    assert stored_pdf.startswith(b"%PDF") and b"WenQuanYi" in stored_pdf


def test_a_draft_whose_snapshot_moved_must_be_refreshed_before_publishing(march, client_as):
    county = client_as("county")
    bulletin = draft(march)
    Accident.objects.create(subject=march.school_b, occurred_on=datetime.date(2026, 3, 20), kind="其他", deaths=1)
    compute.compute_month(region=march.county, month=MARCH)
    page = county.get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert 'id="stale-ranking"' in page
    response = county.post(f"/bulletins/{bulletin.pk}/publish/")
    assert "快照已重新计算，排名数据与本稿不一致" in county.get(response.headers["Location"]).content.decode()
    bulletin.refresh_from_db()
    assert not bulletin.published and bulletin.number is None
    county.post(f"/bulletins/{bulletin.pk}/refresh/")
    county.post(f"/bulletins/{bulletin.pk}/publish/")
    bulletin.refresh_from_db()
    assert bulletin.published
    cells = ranking_cells(county.get(f"/bulletins/{bulletin.pk}/").content.decode())
    assert cells[march.town_b.code][4] == percent_text(snapshot(march.town_b)[ALL_GROUPS].rate) == "66.7%"


# --- editing a draft ------------------------------------------------------------------------------


def edit_data(bulletin, **overrides):
    data = {
        "version": bulletin.version,
        "title": bulletin.title,
        "issuer": bulletin.issuer,
        "issued_on": bulletin.issued_on.isoformat(),
        "intro": bulletin.intro,
        "supervised": bulletin.supervised,
        "requirements": bulletin.requirements,
        "m-TOTAL_FORMS": "3",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "40",
        "m-0-board": "red",
        "m-0-region": "990121101000",
        "m-0-reason": "连续三个月全部达标",
        "m-1-board": "black",
        "m-1-region": "990121100000",
        "m-1-reason": "甲一村发生伤人火灾",
        "m-2-board": "red",
        "m-2-region": "",
        "m-2-reason": "",
    }
    data.update(overrides)
    return data


def test_county_staff_edit_a_draft_and_every_change_is_audited(march, client_as):
    county = client_as("county")
    bulletin = draft(march)
    response = county.post(
        f"/bulletins/{bulletin.pk}/edit/", edit_data(bulletin, supervised="甲镇：3月底前完成火灾隐患整改")
    )
    assert response.status_code == 302
    bulletin.refresh_from_db()
    reasons = dict(BulletinMention.objects.values_list("region__name", "reason"))
    assert reasons == {"乙镇": "连续三个月全部达标", "甲镇": "甲一村发生伤人火灾"}
    page = county.get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert "甲镇：3月底前完成火灾隐患整改" in page and "连续三个月全部达标" in page
    assert "修改督办事项、红黑榜" in page and "修改红黑榜理由" in page
    # a stale form, a unit outside the ranking, a unit on both lists: refused with the reason, nothing saved
    stale = county.post(f"/bulletins/{bulletin.pk}/edit/", edit_data(bulletin, version=1, title="旧稿"))
    assert stale.status_code == 400 and "该通报已被其他用户修改" in stale.content.decode()
    both = county.post(f"/bulletins/{bulletin.pk}/edit/", edit_data(bulletin, **{"m-1-region": "990121101000"}))
    assert both.status_code == 400 and "同一单位不能同时列入红榜和黑榜。" in both.content.decode()
    outside = county.post(f"/bulletins/{bulletin.pk}/edit/", edit_data(bulletin, **{"m-1-region": "990121100200"}))
    assert outside.status_code == 400
    bulletin.refresh_from_db()
    assert bulletin.title != "旧稿"


# --- scope ------------------------------------------------------------------------------------------


def test_who_reads_and_who_writes(march, client_as):
    published = publish(march, draft(march, datetime.date(2026, 2, 1)))
    pending = draft(march)
    for role in ("clerk_a", "clerk_b", "grid_a", "dept_edu", "county", "admin"):
        assert client_as(role).get(f"/bulletins/{published.pk}/").status_code == 200, role
        assert client_as(role).get(f"/bulletins/{published.pk}/pdf/").status_code == 200, role
    for role in ("clerk_a", "grid_a", "dept_edu"):
        assert client_as(role).get(f"/bulletins/{pending.pk}/").status_code == 404, role
        assert client_as(role).post(f"/bulletins/{published.pk}/publish/").status_code == 403, role
        assert "草稿" not in client_as(role).get("/bulletins/").content.decode().split('id="bulletin-list"')[-1]
    assert client_as("clerk_a").post("/bulletins/new/", {"month": "2026-03"}).status_code == 403
    assert client_as("county").get(f"/bulletins/{pending.pk}/xlsx/").status_code == 404  # a draft has no file
    assert Bulletin.objects.count() == 2


def test_the_list_runs_a_fixed_number_of_queries(march, client_as):
    from sanzero.testing import assert_flat_queries, queries_of

    county = march.users["county"]

    def add(numbers):
        for _ in numbers:
            services.bulletin_create(actor=county, region=march.county, month=MARCH)

    publish(march, draft(march))
    flat = assert_flat_queries(lambda: queries_of(client_as("county"), "/bulletins/"), add=add)
    assert "2026年第1期" in flat.responses[0].content.decode()  # drafts first, then the published by number
