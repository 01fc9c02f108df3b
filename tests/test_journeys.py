"""Browser journeys through the whole system (issue 13, point 6), in Debian's headless Chromium.

One journey, in the order the county lives it, on the fixture county (units.testing.build_world):

(a) 甲镇's clerk registers a subject, records a dispute and resolves it, records a hazard and its
    rectification, which the village's grid worker (another, permitted user) accepts; the clerk
    also records the criminal case that makes the new subject fail 零案件;
(b) a county user recomputes March, sees the dashboard change (the new subject counted, one failing),
    drills down to the failing subject and downloads the committee report (a real .xlsx of 测试县);
(c) 乙镇's clerk reaches none of it: every direct URL answers the Chinese 404 page, the lists do
    not show the entries.

A failed step leaves var/screenshots/FAILED-<test>.png (the browser_page fixture).
"""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo

import openpyxl
import pytest
import time_machine

from cases.models import PoliceCase
from dashboards import compute
from disputes.models import Dispute
from hazards.models import Hazard
from hazards.workflow import RECTIFIER_MAY_NOT_ACCEPT
from sanzero.testing import SCREENSHOTS, browser_login, picker_choose
from units.models import Subject

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MARCH = datetime.date(2026, 3, 1)
NEW_SUBJECT = "旅程测试超市"
DISPUTE_SUMMARY = "旅程测试：超市门前占道经营引发邻里纠纷"
HAZARD_TEXT = "旅程测试：仓库灭火器过期"
CASE_CAUSE = "旅程测试盗窃案"
NOT_FOUND = "您访问的页面或记录不存在，或不在您的管辖范围内。"


@pytest.fixture
def march_clock():
    """20 March 2026, 10:00 in Shanghai, ticking (the live server and the browser need time to pass)."""
    when = datetime.datetime(2026, 3, 20, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(when, tick=True):
        yield


@pytest.fixture
def county_before(world, march_clock):
    """March computed before the journey: the fixture county's seven subjects, all passing."""
    compute.compute_month(region=world.county, month=MARCH)
    return world


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"journey_{name}.png"), full_page=True)


def submit(page, selector: str = "main button[type=submit]") -> None:
    page.click(selector)
    page.wait_for_load_state("networkidle")


def body(page) -> str:
    return page.locator("body").inner_text()


def pk_from(page, prefix: str) -> int:
    match = re.search(rf"/{prefix}/(\d+)/$", page.url)
    assert match, f"expected a {prefix} detail page after saving, got {page.url}:\n{body(page)[:800]}"
    return int(match.group(1))


def logout(page, base: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")


def clerk_records_everything(page, base: str, world) -> dict[str, int]:
    """(a): the clerk of 甲镇 and then the grid worker of 甲一村, through the forms a person uses."""
    browser_login(page, base, "clerk_a")

    page.goto(f"{base}/subjects/new/")
    page.fill("#id_name", NEW_SUBJECT)
    page.select_option("#id_category", label="企业")
    picker_choose(page, "#id_region-ts-control", "甲一", "测试县/甲镇/甲一村")
    page.fill("#id_responsible_person", "赵六")
    page.fill("#id_phone", "13800138001")
    submit(page)
    subject_id = pk_from(page, "subjects")
    assert page.locator("h1").inner_text().startswith(NEW_SUBJECT)
    shot(page, "a1_subject")

    page.goto(f"{base}/disputes/new/")
    picker_choose(page, "#id_subject-ts-control", "旅程", NEW_SUBJECT)
    page.fill("#id_found_on", "2026-03-05")
    page.select_option("#id_category", label="邻里纠纷")
    page.select_option("#id_source", label="网格排查")
    page.select_option("#id_risk_colour", label="蓝")
    page.fill("#id_people_count", "2")
    page.fill("#id_parties", "钱七、孙八")
    page.fill("#id_summary", DISPUTE_SUMMARY)
    submit(page)
    dispute_id = pk_from(page, "disputes")
    assert "调解中" in body(page)
    page.click("a:has-text('登记化解')")
    page.wait_for_load_state("networkidle")
    page.fill("#id_resolved_on", "2026-03-12")
    page.fill("#id_agreement", "双方同意商户退让一米，互不追究。")
    submit(page)
    assert page.url.rstrip("/").endswith(f"/disputes/{dispute_id}"), page.url
    assert "已化解" in body(page)
    shot(page, "a2_dispute_resolved")

    page.goto(f"{base}/hazards/new/")
    picker_choose(page, "#id_subject-ts-control", "旅程", NEW_SUBJECT)
    page.fill("#id_found_on", "2026-03-06")
    page.select_option("#id_category", label="消防")
    page.select_option("#id_level", label="一般")
    page.fill("#id_description", HAZARD_TEXT)
    submit(page)
    hazard_id = pk_from(page, "hazards")
    page.click("a:has-text('登记整改完成')")
    page.wait_for_load_state("networkidle")
    page.fill("#id_rectified_on", "2026-03-10")
    submit(page)
    assert "待验收" in body(page)
    # The clerk recorded the rectification, so the clerk is told someone else accepts it.
    assert page.locator("a:has-text('验收通过并销号')").count() == 0
    assert RECTIFIER_MAY_NOT_ACCEPT in body(page)
    shot(page, "a3_hazard_awaiting")

    page.goto(f"{base}/cases/new/")
    picker_choose(page, "#id_subject-ts-control", "旅程", NEW_SUBJECT)
    page.fill("#id_occurred_on", "2026-03-08")
    page.select_option("#id_kind", label="刑事")
    page.fill("#id_cause", CASE_CAUSE)
    page.fill("#id_summary", "仓库夜间被盗，损失香烟若干。")
    submit(page)
    case_id = pk_from(page, "cases")

    # Another permitted user, the grid worker of 甲一村, finds it in 待我验收 and accepts it.
    logout(page, base)
    browser_login(page, base, "grid_a")
    page.goto(f"{base}/hazards/acceptance/")
    assert HAZARD_TEXT[:8] in body(page) or NEW_SUBJECT in body(page), body(page)[:800]
    page.goto(f"{base}/hazards/{hazard_id}/")
    page.click("a:has-text('验收通过并销号')")
    page.wait_for_load_state("networkidle")
    page.fill("#id_accepted_on", "2026-03-11")
    page.fill("#id_note", "现场查看，灭火器已更换。")
    submit(page)
    assert "已销号" in body(page)
    shot(page, "a4_hazard_accepted")
    logout(page, base)

    subject = Subject.objects.get(pk=subject_id)
    assert (subject.region, subject.category.name) == (world.village_a, "企业")
    dispute = Dispute.objects.get(pk=dispute_id)
    assert (dispute.subject_id, dispute.status, dispute.resolved_on) == (
        subject_id,
        "已化解",
        datetime.date(2026, 3, 12),
    )
    hazard = Hazard.objects.get(pk=hazard_id)
    assert (hazard.status, hazard.rectified_by, hazard.accepted_by) == (
        "已销号",
        world.users["clerk_a"],
        world.users["grid_a"],
    )
    assert PoliceCase.objects.get(pk=case_id).subject_id == subject_id
    # Every write went through the services: each entry has its history rows, by the acting user.
    assert dispute.history.filter(history_user=world.users["clerk_a"]).exists()
    assert hazard.history.filter(history_user=world.users["grid_a"]).exists()
    return {"subject": subject_id, "dispute": dispute_id, "hazard": hazard_id, "case": case_id}


def card_of(page, label: str):
    return page.locator(".card", has=page.locator(f"span.fw-semibold:text-is('{label}')")).first


def county_recomputes_and_reports(page, base: str, world, ids: dict[str, int]) -> None:
    """(b): the county user sees the old March, recomputes it, drills down and downloads the report."""
    browser_login(page, base, "county")
    page.goto(f"{base}/dashboard/?month=2026-03")
    overall = card_of(page, "全部")
    assert "100.0%" in overall.inner_text() and "达标 7 / 7" in overall.inner_text(), overall.inner_text()
    shot(page, "b1_dashboard_before")

    page.click("button:has-text('重新计算3月')")
    page.wait_for_load_state("networkidle")
    assert "/dashboard/jobs/" in page.url, page.url
    page.locator("#job-progress:has-text('已完成')").wait_for(timeout=30_000)
    assert "100%" in page.locator("#job-progress").inner_text()
    page.click("a:has-text('返回达标统计')")
    page.wait_for_load_state("networkidle")
    overall = card_of(page, "全部")
    text = overall.inner_text()
    assert "87.5%" in text and "达标 7 / 8" in text and "查看未达标主体（1）" in text, text
    unit = card_of(page, "单位(企业)").inner_text()
    assert "达标 4 / 5" in unit, unit
    shot(page, "b2_dashboard_after")

    overall.locator("a:has-text('查看未达标主体（1）')").first.click()  # 年度累计
    page.wait_for_load_state("networkidle")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and NEW_SUBJECT in rows.first.inner_text(), body(page)[:800]
    assert "共 1 个主体" in body(page)
    shot(page, "b3_failing")
    rows.first.locator(f"a:has-text('{NEW_SUBJECT}')").click()
    page.wait_for_load_state("networkidle")
    assert f"/dashboard/subject/{ids['subject']}/2026-03/" in page.url
    assert CASE_CAUSE in body(page) or "刑事" in body(page), body(page)[:800]

    page.goto(f"{base}/reports/")
    picker_choose(page, "#id_region-ts-control", "测试县", "测试县")
    page.fill("#report-month", "2026-03")
    with page.expect_download() as download:
        page.click("button:has-text('下载报表')")
    report = download.value
    assert report.suggested_filename == "测试县2026年3月三零创建达标情况汇总表.xlsx"
    with open(report.path(), "rb") as f:
        content = f.read()
    assert content[:2] == b"PK"  # a zip container, as every .xlsx
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames[:4] == ["汇总表", "达标数据", "月度数据", "台账数据"]
    title = " ".join(str(c) for row in wb["汇总表"].iter_rows(max_row=3, values_only=True) for c in row if c)
    assert "测试县" in title and "2026年3月" in title, title
    ytd = wb["达标数据"]
    headers = [c.value for c in ytd[1]]
    county_all = next(
        dict(zip(headers, r, strict=False))
        for r in ytd.iter_rows(min_row=2, values_only=True)
        if r[headers.index("区划代码")] == world.county.code and r[headers.index("主体分组")] == "全部"
    )
    assert (county_all["区域名称"], county_all["主体总数"], county_all["三零达标数"], county_all["零案件达标数"]) == (
        "测试县",
        8,
        7,
        7,
    )
    ledgers = wb["台账数据"]
    lheaders = [c.value for c in ledgers[1]]
    county_ledger = next(
        dict(zip(lheaders, r, strict=False))
        for r in ledgers.iter_rows(min_row=2, values_only=True)
        if r[lheaders.index("区划代码")] == world.county.code
    )
    assert (county_ledger["矛盾纠纷排查数"], county_ledger["矛盾纠纷化解数"]) == (1, 1)
    assert (county_ledger["安全隐患排查数"], county_ledger["安全隐患整改数"]) == (1, 1)
    logout(page, base)


def other_township_sees_nothing(page, base: str, world, ids: dict[str, int]) -> None:
    """(c): 乙镇's clerk, by direct URL and through the lists."""
    browser_login(page, base, "clerk_b")
    direct = [
        f"/subjects/{ids['subject']}/",
        f"/subjects/{ids['subject']}/edit/",
        f"/disputes/{ids['dispute']}/",
        f"/disputes/{ids['dispute']}/edit/",
        f"/disputes/{ids['dispute']}/do/follow_up/",
        f"/hazards/{ids['hazard']}/",
        f"/hazards/{ids['hazard']}/edit/",
        f"/cases/{ids['case']}/",
        f"/cases/{ids['case']}/edit/",
        f"/dashboard/subject/{ids['subject']}/2026-03/",
        f"/dashboard/subject/{ids['subject']}/",
        f"/dashboard/subjects/?region={world.town_a.code}&month=2026-03",
        f"/dashboard/?region={world.town_a.code}&month=2026-03",
    ]
    answers = {}
    for url in direct:
        response = page.goto(base + url)
        answers[url] = (response.status, NOT_FOUND in body(page))
    assert answers == {url: (404, True) for url in direct}
    shot(page, "c1_not_found")

    lists = {
        "/subjects/": NEW_SUBJECT,
        "/disputes/": DISPUTE_SUMMARY[:10],
        "/hazards/": HAZARD_TEXT[:8],
        "/cases/": CASE_CAUSE,
        "/hazards/acceptance/": NEW_SUBJECT,
        "/supervision/": NEW_SUBJECT,
        f"/subjects/?q={NEW_SUBJECT}": NEW_SUBJECT,  # last: checked for its empty result below
    }
    for url, text in lists.items():
        response = page.goto(base + url)
        assert response.status == 200, url
        shown = page.locator("main").inner_text()  # what the page says, not the search box's own value
        assert text not in shown and NEW_SUBJECT not in shown, f"{url} shows 甲镇's entry:\n{shown[:800]}"
    assert "共 0 条" in body(page)  # the search for the name finds nothing
    # The lists do work for 乙镇: its own subject is there.
    page.goto(f"{base}/subjects/")
    assert world.school_b.name in body(page)
    # Her own dashboard counts only 乙镇 (two subjects: 乙镇中学, 乙一村商店, and the village 乙一村).
    page.goto(f"{base}/dashboard/?month=2026-03")
    assert "达标 3 / 3" in card_of(page, "全部").inner_text()
    shot(page, "c2_own_dashboard")


def test_clerk_county_and_the_other_township_walk_through_march(county_before, live_server, browser_page):
    page = browser_page
    base = live_server.url
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    ids = clerk_records_everything(page, base, county_before)
    county_recomputes_and_reports(page, base, county_before, ids)
    other_township_sees_nothing(page, base, county_before, ids)

    outside = [u for u in requested if not u.startswith(base) and not u.startswith(("data:", "blob:"))]
    assert outside == [], f"requests left the machine: {outside}"
