"""Headless Chromium prints the 登记表 and the 督办通知书 (issue 10 point 7): in print media the navigation
and the buttons are gone, and page.pdf() gives one A4 page each; a list prints every column."""

import datetime

import pytest
from django.utils import timezone

from sanzero.testing import SCREENSHOTS, browser_login
from sanzero.tests.helpers import add_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
A4 = (595, 842)  # points


def pdf_pages(data: bytes) -> int:
    return data.count(b"/Type /Page") - data.count(b"/Type /Pages")


def test_the_sheet_and_the_notice_print_on_one_a4_page_without_the_site_around_them(world, live_server, browser_page):
    page = browser_page
    found = timezone.localdate() - datetime.timedelta(days=40)  # long overdue (一般: 7 days)
    hazard = add_entry(world, "hazards", world.shop_a, 1, found_on=found, level="一般")
    browser_login(page, live_server.url, "clerk_a")
    for path, title in [("print", "测试县安全隐患登记表"), ("notice", "测试县平安建设督办通知书")]:
        page.goto(f"{live_server.url}/hazards/{hazard.pk}/{path}/")
        assert page.locator("button[data-print]").is_visible()
        page.emulate_media(media="print")
        assert not page.locator("nav.app-navbar").is_visible()
        assert not page.locator("button[data-print]").is_visible()
        assert page.locator("h1.sheet-title").inner_text().replace(" ", "") == title
        page.screenshot(path=str(SCREENSHOTS / f"print_hazard_{path}.png"), full_page=True)
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and pdf_pages(pdf) == 1, path
        (SCREENSHOTS / f"print_hazard_{path}.pdf").write_bytes(pdf)
        page.emulate_media(media="screen")


def test_a_printed_list_shows_every_column_and_no_filters(world, live_server, browser_page):
    page = browser_page
    add_entry(world, "disputes", world.shop_a, 1)
    browser_login(page, live_server.url, "county")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/disputes/")
    assert not page.locator("th:has-text('简要情况')").is_visible()  # a phone leaves it out
    page.emulate_media(media="print")
    assert page.locator("th:has-text('简要情况')").is_visible()  # paper has room
    assert not page.locator(".filter-card").is_visible() and not page.locator(".bulk-bar").is_visible()
    assert "甲镇 / 甲一村" in page.locator("table").inner_text()
