"""Headless Chromium (Debian's, never a downloaded one) against the live server.

Logs in, uses the subject list and form as a clerk would, and checks that no request leaves the
machine (Bootstrap, icons and htmx are served locally).
"""

import pytest

from sanzero.testing import SCREENSHOTS, browser_login, picker_choose

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_clerk_logs_in_lists_subjects_and_sees_form_errors(world, live_server, browser_page):
    page = browser_page
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/subjects/")
    assert "/accounts/login/" in page.url
    page.screenshot(path=str(SCREENSHOTS / "login.png"))
    browser_login(page, live_server.url, "clerk_a")

    page.goto(f"{live_server.url}/subjects/")
    rows = page.locator("table tbody tr")
    names = rows.locator("td:first-child").all_inner_texts()
    assert "甲镇中心学校" in names and "乙镇中学" not in names
    # Bootstrap really loaded from our static files: the navbar is styled (flex), icons font present.
    assert page.eval_on_selector("nav.navbar", "el => getComputedStyle(el).display") == "flex"
    page.screenshot(path=str(SCREENSHOTS / "subject_list.png"), full_page=True)

    page.click("text=甲镇中心学校")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("甲镇中心学校")
    page.screenshot(path=str(SCREENSHOTS / "subject_detail.png"), full_page=True)

    page.goto(f"{live_server.url}/subjects/new/")
    page.fill("#id_name", "甲镇测试超市")
    page.select_option("#id_category", label="企业")
    # the region picker: type part of the name, take the match with Enter (search-as-you-type)
    picker_choose(page, "#id_region-ts-control", "甲一", "测试县/甲镇/甲一村")
    assert page.locator("#id_region").input_value() == str(world.village_a.pk)
    page.fill("#id_phone", "12345")
    page.fill("#id_credit_code", "91350100M000100Y44")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    body = page.locator("body").inner_text()
    assert "联系电话格式不正确" in body
    assert "校验位不正确" in body
    page.screenshot(path=str(SCREENSHOTS / "subject_form_error.png"), full_page=True)

    outside = [u for u in requested if not u.startswith(live_server.url) and not u.startswith("data:")]
    assert outside == [], f"requests left the machine: {outside}"
