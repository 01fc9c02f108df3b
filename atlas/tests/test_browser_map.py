"""The 一张图 in headless Chromium (Debian's) against the live server: the map draws from the site's own
GeoJSON and JSON, a click on a township in the list drills down, and every request the page makes
stays on 127.0.0.1/localhost (no tiles, no CDN, no font service)."""

from urllib.parse import urlsplit

import pytest

from atlas.tests.helpers import build_map_world
from sanzero.testing import SCREENSHOTS, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def _outside(urls) -> list[str]:
    return [u for u in urls if not u.startswith(("data:", "blob:")) and urlsplit(u).hostname not in LOCAL_HOSTS]


def test_the_map_loads_drills_down_and_no_request_leaves_the_machine(world, live_server, browser_page):
    build_map_world(world)
    page = browser_page
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    browser_login(page, live_server.url, "county")
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#atlas-map[data-ready]", timeout=20_000)
    assert page.locator("#atlas-map canvas").count() >= 1  # ECharts drew
    counts = page.locator("#atlas-counts").inner_text()
    assert "主体 7" in counts and "不达标 1" in counts
    areas = page.locator("#atlas-areas").inner_text()
    assert "甲镇" in areas and "乙镇" in areas and "75.0%" in areas
    assert any(u.startswith(f"{live_server.url}/map/data/") for u in requested)
    page.screenshot(path=str(SCREENSHOTS / "atlas_county.png"), full_page=True)

    page.click("#atlas-areas >> text=甲镇")  # drill down to the township
    page.wait_for_selector("#atlas-map[data-ready]", timeout=20_000)
    assert "region=990121100000" in page.url
    attention = page.locator("#atlas-attention").inner_text()
    assert "甲一村超市" in attention and "甲镇中心学校" in attention and "乙" not in attention
    page.click("#atlas-attention >> a[data-subject] >> nth=0")  # locate a subject: its card opens
    assert page.locator("#atlas-detail").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "atlas_township_390.png"), full_page=True)

    assert errors == []
    outside = _outside(requested)
    assert outside == [], f"requests left the machine: {outside}"
    assert requested and all(urlsplit(u).hostname in LOCAL_HOSTS for u in requested if u.startswith("http"))
