"""Headless Chromium under the Content-Security-Policy: the main pages (login, the dashboard with its
ECharts, a list, a form) load with no CSP violation in the console, the charts draw, and a
confirmation (data-confirm, static/js/page-actions.js) still asks: 取消 sends nothing, 确定 submits."""

import datetime

import pytest
import time_machine

from dashboards import compute
from sanzero.testing import SCREENSHOTS, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _watch(page):
    problems = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" or "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def test_the_main_pages_break_no_policy_and_confirmations_still_ask(world, live_server, browser_page):
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        compute.compute_month(region=world.county, month=datetime.date(2026, 3, 1))
    page = browser_page
    problems = _watch(page)
    page.goto(f"{live_server.url}/accounts/login/")
    browser_login(page, live_server.url, "county")
    for url, shot in [
        ("/dashboard/?month=2026-03", "csp_dashboard.png"),
        ("/disputes/", "csp_list.png"),
        ("/settings/deadlines/", "csp_form.png"),
        ("/dashboard/rules/", "csp_rules.png"),
    ]:
        response = page.goto(f"{live_server.url}{url}")
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SCREENSHOTS / shot), full_page=True)
        if url.startswith("/dashboard/?"):
            assert page.locator("#trend-chart canvas, #zero-chart canvas").count() >= 1  # ECharts drew
    assert not problems, problems

    # a confirmation: dismissed, nothing is posted; accepted, the form is submitted
    page.goto(f"{live_server.url}/dashboard/rules/")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    button = page.locator("button[data-confirm]").first
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    button.click()
    page.wait_for_timeout(300)
    assert asked and asked[0].startswith("确认为") and posts == []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        button.click()
    assert len(asked) == 2 and len(posts) == 1
    assert not problems, problems
