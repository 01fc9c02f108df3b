"""What a user sees of 挂牌督办: the hazard page's button and badge, the listing's 五落实, approval records and
steps per role, and the list's Excel export."""

import datetime
import io

import openpyxl
import pytest

from .helpers import hazard, listing, step

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
D = datetime.date


def links(html: str, pk: int) -> set[str]:
    import re

    return set(re.findall(rf'href="/listings/{pk}/do/(\w+)/"', html))


def test_the_hazard_page_offers_listing_to_county_staff_on_a_major_open_hazard(world, client_as):
    major = hazard(world, level="重大")
    general = hazard(world, description="一般隐患")
    assert f"/listings/new/?hazard={major.pk}" in client_as("county").get(f"/hazards/{major.pk}/").content.decode()
    assert "/listings/new/" not in client_as("county").get(f"/hazards/{general.pk}/").content.decode()
    assert "/listings/new/" not in client_as("clerk_a").get(f"/hazards/{major.pk}/").content.decode()
    form = client_as("county").get(f"/listings/new/?hazard={major.pk}")
    assert form.context["form"].initial["hazard"] == major.pk
    assert form.context["form"].initial["duty_unit"] == "甲一村超市"


def test_the_listing_page_shows_the_five_the_records_and_each_roles_steps(world, client_as, clerk_a2):
    obj = listing(world, plan=False, duty_unit="甲一村超市")
    page = client_as("clerk_a").get(f"/listings/{obj.pk}/").content.decode()
    assert "尚未落实：责任落实、措施落实、资金落实、时限落实、预案落实" in page
    assert links(page, obj.pk) == {"rectify"}
    assert links(client_as("county").get(f"/listings/{obj.pk}/").content.decode(), obj.pk) == set()
    listing_ok = listing(world, number="测安委〔2026〕2号")
    step(world, listing_ok, "rectify", "clerk_a", rectified_on=D(2026, 3, 12), report="已整改")
    page = client_as("clerk_a").get(f"/listings/{listing_ok.pk}/").content.decode()
    assert links(page, listing_ok.pk) == set() and "您登记了整改完成，初审和验收须由其他人员进行" in page
    assert links(client_as("clerk_a2").get(f"/listings/{listing_ok.pk}/").content.decode(), listing_ok.pk) == {
        "review",
        "review_reject",
    }
    step(world, listing_ok, "review", "clerk_a2", reviewed_on=D(2026, 3, 13), unit="甲镇安监站", opinion="整改到位")
    page = client_as("county").get(f"/listings/{listing_ok.pk}/").content.decode()
    assert links(page, listing_ok.pk) == {"accept", "accept_reject"}
    assert "已全部落实" in page and "甲镇安监站" in page and "整改到位" in page


def test_the_list_exports_the_five_and_the_steps(world, client_as):
    listing(world)
    response = client_as("county").get("/listings/", {"export": "xlsx"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(body)).worksheets[0].iter_rows()]
    header = next(r for r in rows if r and "督办通知书文号" in r)
    record = dict(zip(header, rows[rows.index(header) + 1], strict=False))
    assert record["督办通知书文号"] == "测安委〔2026〕1号" and record["挂牌层级"] == "县安委会"
    assert record["责任单位"] == "甲一村超市" and record["五落实"] == "已落实" and record["整改资金(万元)"] == 2.5


def test_the_public_order_list_exports_its_rows(world, client_as):
    from publicorder.tests.helpers import problem

    problem(world)
    problem(world, user="clerk_b", subject=world.shop_b, description="乙村赌博")
    response = client_as("clerk_a").get("/public-order/", {"export": "xlsx"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(body)).worksheets[0].iter_rows()]
    header = next(r for r in rows if r and "问题描述" in r)
    data = [dict(zip(header, r, strict=False)) for r in rows[rows.index(header) + 1 :] if any(r)]
    assert [(d["问题类别"], d["问题描述"], d["状态"]) for d in data] == [("黄赌毒", "出租屋内疑似聚众赌博", "整治中")]
