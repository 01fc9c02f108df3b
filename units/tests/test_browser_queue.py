"""Headless Chromium: a clerk logs in, finds an overdue entry in the home page's work queue, clicks it
and lands on the entry; keyboard-only entry of a dispute with 保存并继续登记."""

import datetime

import pytest

from disputes.models import Dispute
from disputes.tests.helpers import dispute
from sanzero.testing import SCREENSHOTS, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_clerk_opens_an_overdue_entry_from_the_work_queue(world, live_server, browser_page):
    page = browser_page
    late = dispute(world, found_on=datetime.date.today() - datetime.timedelta(days=20))  # past every level
    dispute(world, user="clerk_b", subject=world.shop_b, found_on=datetime.date.today() - datetime.timedelta(days=20))
    browser_login(page, live_server.url, "clerk_a")
    page.goto(f"{live_server.url}/")
    queue = page.locator('[data-task="deadlines"]')
    item = queue.locator(f'a[href="{late.get_absolute_url()}"]')
    assert item.count() == 1 and "超期" in item.inner_text()
    assert "乙一村商店" not in queue.inner_text()  # township B's entry is not clerk_a's
    page.screenshot(path=str(SCREENSHOTS / "home_queue.png"), full_page=True)
    item.click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{live_server.url}{late.get_absolute_url()}"
    assert "甲一村超市" in page.locator("h1").inner_text()


def test_keyboard_only_entry_with_save_and_continue(world, live_server, browser_page):
    page = browser_page
    browser_login(page, live_server.url, "clerk_a")
    page.goto(f"{live_server.url}/subjects/{world.shop_a.pk}/")
    page.click("text=登记矛盾纠纷")
    page.wait_for_load_state("networkidle")
    # subject preselected, date today: the cursor is already in 纠纷类别
    assert page.evaluate("document.activeElement.name") == "category"
    page.keyboard.press("ArrowDown")  # the first category
    page.focus("#id_summary")
    page.keyboard.type("邻里因排水沟发生争执")
    with page.expect_navigation():
        page.click("button[name=continue]")
    page.wait_for_load_state("networkidle")
    assert "已登记矛盾纠纷" in page.locator(".messages").inner_text()
    assert page.input_value("#id_subject") == str(world.shop_a.pk)
    assert page.input_value("#id_summary") == ""
    # the next one: Ctrl+Enter in the 简要情况 box saves (plain 保存 → the entry's page)
    page.select_option("#id_category", index=2)
    page.focus("#id_summary")
    page.keyboard.type("第二条")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    page.wait_for_load_state("networkidle")
    second = Dispute.objects.get(summary="第二条")
    assert page.url == f"{live_server.url}{second.get_absolute_url()}"
    assert Dispute.objects.filter(subject=world.shop_a).count() == 2
