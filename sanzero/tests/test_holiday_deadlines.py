"""Deadlines and the holiday calendar: recomputing stored deadlines after a year is entered, and the
warning beside deadlines in a year nobody has entered.

No 2027 notice exists yet. 1 January is 元旦 by law (全国年节及纪念日放假办法), so 2027-01-01 放假 is
entered as such; every other 2027 day below is test data named 测试…, not a guess at the notice."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from disputes import services as dispute_services
from disputes.models import Dispute
from sanzero.holidays import services
from sanzero.tests.helpers import HOLIDAYS_URL, WARNING_2027, dispute_found_on, enter_holidays
from sanzero.workdays import uncovered_years

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("holiday_clock", "media")]

D = datetime.date


def test_recompute_moves_the_open_deadlines_of_the_year_and_audits_each(world):
    d = dispute_found_on(world, D(2026, 12, 30))
    on_31st = dispute_found_on(world, D(2026, 12, 31))
    resolved = dispute_found_on(world, D(2026, 12, 31))
    dispute_services.dispute_transition(
        actor=world.users["clerk_a"],
        obj=resolved,
        name="resolve",
        data={"resolved_on": D(2026, 12, 31), "agreement": "双方和解", "agreement_type": "口头"},
    )
    untouched = dispute_found_on(world, D(2026, 12, 1))  # its deadlines are over before 2027
    before = {x.pk: (x.due_on, x.overall_due_on, x.version) for x in Dispute.objects.all()}
    enter_holidays(world, D(2027, 1, 1), D(2027, 1, 3))
    assert services.recompute_candidates(2027) == 2

    result = services.deadlines_recompute(actor=world.users["county"], year=2027)
    assert (result.checked, result.changed) == (2, 2)
    assert "期限变更2件" in result.summary()
    d.refresh_from_db()
    on_31st.refresh_from_db()
    assert (d.due_on, d.overall_due_on) == (D(2026, 12, 31), D(2027, 1, 11))
    assert (on_31st.due_on, on_31st.overall_due_on) == (D(2027, 1, 4), D(2027, 1, 12))
    assert d.version == before[d.pk][2] + 1
    record = d.history.latest()
    assert record.history_change_reason == "节假日安排变更，重新计算期限"
    assert record.history_user == world.users["county"]
    for other in (resolved, untouched):
        other.refresh_from_db()
        assert (other.due_on, other.overall_due_on, other.version) == before[other.pk]
    again = services.deadlines_recompute(actor=world.users["county"], year=2027)
    assert again.changed == 0 and d.history.count() == 2


def test_the_recompute_button(world, client_as):
    d = dispute_found_on(world, D(2026, 12, 31))
    enter_holidays(world, D(2027, 1, 1))
    page = client_as("county").get(f"{HOLIDAYS_URL}?year=2027")
    assert page.context["candidates"] == 1 and "重新计算2027年相关期限" in page.content.decode()
    assert client_as("clerk_a").post(reverse("holidays:recompute"), {"year": 2027}).status_code == 403
    d.refresh_from_db()
    assert d.due_on == D(2027, 1, 1)
    response = client_as("county").post(reverse("holidays:recompute"), {"year": 2027}, follow=True)
    assert "期限变更1件（矛盾纠纷1件）" in response.content.decode()
    d.refresh_from_db()
    assert d.due_on == D(2027, 1, 4)
    timeline = client_as("clerk_a").get(d.get_absolute_url()).content.decode()
    assert "节假日安排变更，重新计算期限" in timeline


def test_uncovered_years(world):
    assert uncovered_years([D(2026, 12, 31), None, D(2025, 1, 1)]) == []
    assert uncovered_years([D(2027, 1, 1), D(2028, 3, 1), D(2027, 6, 1), D(2026, 1, 1)]) == [2027, 2028]
    enter_holidays(world, D(2027, 1, 1))
    assert uncovered_years([D(2027, 1, 1), D(2028, 3, 1)]) == [2028]


def test_pages_with_a_2027_deadline_warn_until_2027_is_entered(world, client_as):
    d = dispute_found_on(world, D(2026, 12, 31))  # due 2027-01-01: on the lists, its page and 督办 (due in 2 days)
    clerk, county = client_as("clerk_a"), client_as("county")
    pages = ["/disputes/", d.get_absolute_url(), "/disputes/new/", "/supervision/"]
    for url in pages:
        html = clerk.get(url).content.decode()
        assert WARNING_2027 in html, url
        assert "录入节假日安排</a>" not in html, url  # a clerk cannot enter it: no link
    editor_pages = ["/disputes/", d.get_absolute_url(), "/supervision/", "/", "/settings/deadlines/"]
    for url in editor_pages:
        html = county.get(url).content.decode()
        assert WARNING_2027 in html and f'href="{HOLIDAYS_URL}?year=2027"' in html, url
    assert f'href="{HOLIDAYS_URL}?year=2027"' in client_as("admin").get("/disputes/new/").content.decode()
    assert WARNING_2027 not in clerk.get("/").content.decode()  # the home page shows no deadline to a clerk
    assert WARNING_2027 in client_as("admin").get("/admin/").content.decode()
    assert WARNING_2027 not in clerk.get("/hazards/").content.decode()  # no 2027 deadline there
    enter_holidays(world, D(2027, 1, 1))
    for url in editor_pages:
        assert WARNING_2027 not in county.get(url).content.decode(), url
    for url in pages:
        assert WARNING_2027 not in clerk.get(url).content.decode(), url
    assert WARNING_2027 not in client_as("admin").get("/admin/").content.decode()


def test_a_list_of_2026_deadlines_does_not_warn(world, client_as):
    with time_machine.travel(datetime.datetime(2026, 3, 16, 2, 0), tick=False):
        dispute_found_on(world, D(2026, 3, 2))
        html = client_as("clerk_a").get("/disputes/").content.decode()
        assert "节假日安排尚未录入" not in html


def test_calendar_day_deadlines_in_2027_do_not_warn(world, client_as):
    """A petition's 60 days (日) and a hazard's 7 days do not depend on the holidays."""
    from hazards import services as hazard_services
    from petitions import services as petition_services

    p = petition_services.petition_create(
        actor=world.users["clerk_a"],
        data={
            "subject": world.shop_a,
            "received_on": D(2026, 12, 31),
            "channel": "来访",
            "type": "申诉求决",
            "headcount": 1,
            "level_reached": "乡镇",
            "content": "反映道路积水",
        },
    )
    h = hazard_services.hazard_create(
        actor=world.users["clerk_a"],
        data={
            "subject": world.shop_a,
            "found_on": D(2026, 12, 27),
            "category": "消防",
            "level": "一般",
            "description": "灭火器过期",
        },
    )
    assert p.due_on.year == 2027 and h.due_on.year == 2027
    clerk = client_as("clerk_a")
    for url in ("/petitions/", p.get_absolute_url(), "/petitions/new/", "/hazards/", h.get_absolute_url()):
        assert "节假日安排尚未录入" not in clerk.get(url).content.decode(), url
    # 督办 lists the hazard (due within days) but no working-day deadline: no warning either
    page = client_as("county").get("/supervision/")
    assert page.context["total"] >= 1 and "节假日安排尚未录入" not in page.content.decode()
