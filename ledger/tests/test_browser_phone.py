"""Headless Chromium at phone width (390 px, issue 10 point 6): the page never scrolls sideways, the
filters fold behind 筛选, the list shows each entry's status, and a grid worker records a dispute from
the phone with the keyboard; at desktop width the select-all box and 批量导出 export the checked rows."""

import io

import openpyxl
import pytest
from django.utils import timezone

from disputes.models import Dispute
from sanzero.testing import SCREENSHOTS, browser_login, picker_choose
from sanzero.tests.helpers import add_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}
SUMMARY = "手机登记：村口两户因排水沟堵塞发生争执，网格员现场劝解"


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_grid_worker_records_a_dispute_on_a_phone_and_finds_it_in_the_list(world, live_server, browser_page):
    page = browser_page
    page.set_viewport_size(PHONE)
    add_entry(world, "disputes", world.shop_a, 1)
    browser_login(page, live_server.url, "grid_a")

    page.goto(f"{live_server.url}/disputes/")
    assert scroll_width(page) <= 390
    assert not page.locator("#list-filters").is_visible()  # folded behind 筛选
    page.click("button:has-text('筛选')")
    page.locator("#list-filters").wait_for(state="visible")
    assert page.locator("#id_category").is_visible()
    assert page.locator("td .badge:has-text('调解中')").first.is_visible()  # the status column stays
    assert not page.locator("th:has-text('纠纷类别')").is_visible()  # less important columns give way

    page.goto(f"{live_server.url}/disputes/new/")
    assert scroll_width(page) <= 390
    picker_choose(page, "#id_subject-ts-control", "甲一", "甲一村超市")
    page.fill("input[name=found_on]", timezone.localdate().isoformat())
    page.select_option("select[name=category]", "邻里纠纷")
    page.locator("input[name=people_count]").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("王大、赵二")  # 当事人
    page.locator("textarea[name=summary]").focus()
    page.keyboard.type(SUMMARY)
    page.screenshot(path=str(SCREENSHOTS / "phone_dispute_form.png"), full_page=True)
    page.locator("textarea[name=summary]").press("Tab")  # 调处层级
    for _ in range(8):  # on past the optional boxes (调处日期, 重大, 备注, 现场照片) to 保存, by keyboard
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type === 'submit'"):
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == "保存"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "已登记矛盾纠纷" in page.locator("body").inner_text()
    entry = Dispute.objects.get(summary=SUMMARY)
    assert entry.created_by == world.users["grid_a"] and entry.parties == "王大、赵二"

    page.goto(f"{live_server.url}/disputes/")
    assert scroll_width(page) <= 390
    row = page.locator(f"tr:has(a[href='/disputes/{entry.pk}/'])")
    assert row.count() == 1 and "调解中" in row.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "phone_dispute_list.png"), full_page=True)
    page.goto(f"{live_server.url}/disputes/{entry.pk}/")
    assert scroll_width(page) <= 390 and "王*、赵*" in page.locator("body").inner_text()


def test_select_all_and_bulk_export_download_the_checked_rows(world, live_server, browser_page):
    page = browser_page
    for n in range(3):
        add_entry(world, "hazards", world.shop_a, n)
    add_entry(world, "hazards", world.shop_b, 7)  # 乙镇: not on clerk_a's list
    browser_login(page, live_server.url, "clerk_a")
    page.goto(f"{live_server.url}/hazards/")
    export = page.locator("button:has-text('批量导出')")
    assert export.is_disabled()
    page.check("input[data-select-all]")
    assert page.locator("[data-bulk-count]").inner_text() == "已选 3 条" and export.is_enabled()
    page.locator("input[form=bulk-form]").first.uncheck()
    assert page.locator("[data-bulk-count]").inner_text() == "已选 2 条"
    assert page.evaluate("document.querySelector('input[data-select-all]').indeterminate")
    with page.expect_download() as download:
        export.click()
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).worksheets[0]
    headers = [c.value for c in sheet[1]]
    texts = sorted(row[headers.index("隐患描述")] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert texts == ["hazards记录0", "hazards记录1"]  # the newest (记录2) was unchecked
