"""Headless Chromium (Debian's, never a downloaded one) against the live server.

Logs in, uses the subject list and form as a clerk would, and checks that no request leaves the
machine (Bootstrap, icons and htmx are served locally).
"""

import os
from pathlib import Path

import pytest

from sanzero.testing import PASSWORD, chromium_path, need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("SANZERO_VAR_DIR", "var")) / "screenshots"


@pytest.fixture
def browser_page(monkeypatch):
    path = chromium_path()
    need("browser", bool(path), "Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        need("browser", False, "playwright is not installed")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # playwright's sync API runs inside an event loop
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=path,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
        yield page
        browser.close()


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_clerk_logs_in_lists_subjects_and_sees_form_errors(world, live_server, browser_page):
    page = browser_page
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/subjects/")
    assert "/accounts/login/" in page.url
    page.screenshot(path=str(SHOTS / "login.png"))
    login(page, live_server.url, "clerk_a")

    page.goto(f"{live_server.url}/subjects/")
    rows = page.locator("table tbody tr")
    names = rows.locator("td:first-child").all_inner_texts()
    assert "甲镇中心学校" in names and "乙镇中学" not in names
    # Bootstrap really loaded from our static files: the navbar is styled (flex), icons font present.
    assert page.eval_on_selector("nav.navbar", "el => getComputedStyle(el).display") == "flex"
    page.screenshot(path=str(SHOTS / "subject_list.png"), full_page=True)

    page.click("text=甲镇中心学校")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().startswith("甲镇中心学校")
    page.screenshot(path=str(SHOTS / "subject_detail.png"), full_page=True)

    page.goto(f"{live_server.url}/subjects/new/")
    page.fill("#id_name", "甲镇测试超市")
    page.select_option("#id_category", label="企业")
    page.select_option("#id_region", value=str(world.village_a.pk))
    page.fill("#id_phone", "12345")
    page.fill("#id_credit_code", "91350100M000100Y44")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    body = page.locator("body").inner_text()
    assert "联系电话格式不正确" in body
    assert "校验位不正确" in body
    page.screenshot(path=str(SHOTS / "subject_form_error.png"), full_page=True)

    outside = [u for u in requested if not u.startswith(live_server.url) and not u.startswith("data:")]
    assert outside == [], f"requests left the machine: {outside}"
