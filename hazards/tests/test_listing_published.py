"""The published list of a tier (公布名单): that tier's listings in force during the year, in the user's
scope, with what is published — not the 五落实 funds, approvals, letters or internal opinions."""

import datetime

import openpyxl
import pytest

from .helpers import listing, step

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
D = datetime.date
URL = "/listings/published/{}/"


@pytest.fixture
def listings(world, clerk_a2):
    county = listing(world, number="测安委〔2026〕1号", requirement="内部要求：三日内上报方案")
    city = listing(world, tier="市安委会", number="测市安委〔2026〕1号")
    theirs = listing(world, subject=world.shop_b, number="测安委〔2026〕2号")
    done = listing(world, number="测安委〔2026〕3号")
    step(world, done, "rectify", "clerk_a", rectified_on=D(2026, 3, 10), report="已整改")
    step(world, done, "review", "clerk_a2", reviewed_on=D(2026, 3, 11), unit="甲镇安监站", opinion="初审意见：机密")
    step(world, done, "accept", "county", reviewed_on=D(2026, 3, 12), unit="县应急管理局")
    step(world, done, "delist", "county", delisted_on=D(2026, 3, 13))
    return {"county": county, "city": city, "theirs": theirs, "done": done}


def test_a_tier_page_shows_that_tier_only_in_force_and_delisted_apart(world, client_as, listings):
    response = client_as("county").get(URL.format("county"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2026年县安委会挂牌督办重大事故隐患名单" in page
    assert [r.notice_number for r in response.context["in_force"]] == ["测安委〔2026〕1号", "测安委〔2026〕2号"]
    assert [r.notice_number for r in response.context["delisted"]] == ["测安委〔2026〕3号"]
    assert "测市安委〔2026〕1号" not in page
    assert "已摘牌（2026-03-13）" in page
    for internal in ("内部要求", "初审意见：机密", "2.50", "企业自筹", "李副镇长"):
        assert internal not in page, internal
    city = client_as("county").get(URL.format("city")).content.decode()
    assert "测市安委〔2026〕1号" in city and "测安委〔2026〕1号" not in city
    assert "本年度没有在督的挂牌重大隐患" in client_as("county").get(URL.format("province")).content.decode()


def test_another_township_sees_only_its_own_and_an_unknown_tier_is_404(world, client_as, listings):
    response = client_as("clerk_b").get(URL.format("county"))
    assert [r.notice_number for r in response.context["in_force"]] == ["测安委〔2026〕2号"]
    assert "测安委〔2026〕1号" not in response.content.decode()
    assert client_as("clerk_b").get(URL.format("town")).status_code == 404
    assert client_as("dept_edu").get(URL.format("county")).context["in_force"] == []


def test_a_year_shows_what_was_in_force_in_it(world, client_as, listings):
    assert client_as("county").get(URL.format("county"), {"year": "2025"}).context["in_force"] == []
    # a year out of range or not a number is this year
    for bad in ("abc", "1999", "-1"):
        assert client_as("county").get(URL.format("county"), {"year": bad}).context["year"] == 2026


def test_the_published_list_exports_as_printed(world, client_as, listings):
    response = client_as("county").get(URL.format("county"), {"export": "xlsx"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    import io

    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = next(r for r in rows if r and r[0] == "序号")
    assert header[:3] == ["序号", "隐患单位", "所在乡镇(街道)"] and "整改资金(万元)" not in header
    data = rows[rows.index(header) + 1 :]
    assert [r[5] for r in data if r[0]] == ["测安委〔2026〕1号", "测安委〔2026〕2号", "测安委〔2026〕3号"]


def test_the_published_page_costs_the_same_queries_for_3_and_30_listings(world, client_as):
    from sanzero.testing import assert_flat_queries, queries_of

    subjects = (world.shop_a, world.school_a, world.shop_b)

    def add(numbers):
        for i in numbers:
            listing(world, subject=subjects[i % 3], number=f"测安委〔2026〕{100 + i}号")

    flat = assert_flat_queries(lambda: queries_of(client_as("county"), URL.format("county")), add=add)
    assert [len(r.context["in_force"]) for r in flat.responses] == [3, 30]
