"""The subject picker in a real browser (Debian's headless Chromium): a clerk opens the new-dispute form,
types part of a Chinese name, moves with the arrow keys, takes the subject with Enter, saves, and the
dispute belongs to that subject. Keyboard only in the picker; nothing is fetched from outside."""

import pytest

from disputes.models import Dispute
from sanzero.testing import SCREENSHOTS, browser_login, picker_choose

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_clerk_types_part_of_a_name_picks_the_subject_with_the_keyboard_and_saves(world, live_server, browser_page):
    page = browser_page
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    browser_login(page, live_server.url, "clerk_a")
    page.goto(f"{live_server.url}/disputes/new/")
    assert page.locator("select[name=subject] option").count() == 1  # the empty choice only

    shown = picker_choose(page, "#id_subject-ts-control", "甲一", "甲一村超市")
    # both subjects of 甲一村 match "甲一" (by name, and by their village's name); none of 乙镇
    assert any("甲一村超市" in s for s in shown) and not any("乙" in s for s in shown)
    page.screenshot(path=str(SCREENSHOTS / "dispute_picker_chosen.png"), full_page=True)
    assert page.locator("select[name=subject]").input_value() == str(world.shop_a.pk)
    assert "甲一村超市（甲一村）" in page.locator(".ts-control").first.inner_text()

    page.fill("#id_found_on", "2026-03-02")
    page.select_option("#id_category", "邻里纠纷")
    page.select_option("#id_source", "网格排查")
    page.select_option("#id_risk_colour", "蓝")
    page.fill("#id_people_count", "2")
    page.fill("#id_summary", "因院墙滴水发生争执")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/disputes/" in page.url and "/new/" not in page.url, page.locator("body").inner_text()[:1000]
    assert Dispute.objects.get(summary="因院墙滴水发生争执").subject_id == world.shop_a.pk

    # pinyin initials find a subject too, and Escape closes the list without choosing
    page.goto(f"{live_server.url}/disputes/new/")
    page.focus("#id_subject-ts-control")
    page.keyboard.type("jzzx")
    page.locator(".ts-dropdown .option", has_text="甲镇中心学校").wait_for()
    page.keyboard.press("Escape")
    assert page.locator("select[name=subject]").input_value() == ""

    outside = [u for u in requested if not u.startswith(live_server.url) and not u.startswith("data:")]
    assert outside == [], f"requests left the machine: {outside}"
