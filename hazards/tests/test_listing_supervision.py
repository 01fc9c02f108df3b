"""An overdue 挂牌督办 escalates to a 督办函 (the daily task, or county staff by hand) and is on 督办."""

import datetime

import pytest
import time_machine

from hazards import services
from hazards.models import ListingLetter
from hazards.tasks import escalate_overdue_listings_task

from .helpers import listing, step

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]
D = datetime.date


def overdue(world, **kw):
    """Listed 3 March, due 10 March: six days overdue on 16 March."""
    return listing(world, deadline=D(2026, 3, 10), plan_deadline=D(2026, 3, 9), **kw)


def test_the_daily_task_issues_one_letter_and_a_second_only_past_the_letters_own_limit(world):
    obj = overdue(world)
    listing(world, number="测安委〔2026〕2号")  # due 31 March: not overdue
    assert escalate_overdue_listings_task.delay().get() == ["测试县安委办督函〔2026〕1号"]
    assert escalate_overdue_listings_task.delay().get() == []  # the same day again: nothing
    letter = ListingLetter.objects.get()
    assert (letter.listing, letter.sequence, letter.issued_on, letter.overdue_days) == (obj, 1, D(2026, 3, 16), 6)
    assert letter.reply_due == D(2026, 3, 23)  # five working days
    assert letter.issued_by is None
    obj.refresh_from_db()
    assert obj.letters_count == 1
    assert obj.history.first().history_change_reason.startswith("逾期未整改，发督办函测试县安委办督函〔2026〕1号")
    assert services.listings_escalate_overdue(today=D(2026, 3, 23)) == []  # within the letter's limit
    second = services.listings_escalate_overdue(today=D(2026, 3, 24))
    assert [(x.sequence, x.number) for x in second] == [(2, "测试县安委办督函〔2026〕2号")]


def test_a_rectified_listing_is_not_escalated(world):
    obj = overdue(world)
    step(world, obj, "rectify", "clerk_a", rectified_on=D(2026, 3, 12), report="已整改")
    assert services.listings_escalate_overdue() == []


def test_county_staff_issue_a_letter_by_hand_only_when_overdue(world, client_as):
    on_time = listing(world, number="测安委〔2026〕2号")
    page = client_as("county").get(f"/listings/{on_time.pk}/").content.decode()
    assert "/do/letter/" not in page and "未超过整改时限，不需要发督办函" in page
    obj = overdue(world)
    assert client_as("clerk_a").get(f"/listings/{obj.pk}/do/letter/").status_code == 403
    response = client_as("county").post(
        f"/listings/{obj.pk}/do/letter/", {"version": obj.version, "content": "请立即停业整改"}
    )
    assert response.status_code == 302
    letter = ListingLetter.objects.get()
    assert (letter.issued_by, letter.content, letter.sequence) == (world.users["county"], "请立即停业整改", 1)


def test_the_overdue_listing_is_on_supervision_with_its_letter_and_the_panel(world, client_as):
    obj = overdue(world)
    services.listings_escalate_overdue()
    page = client_as("county").get("/supervision/?kind=hazards.hazardlisting").content.decode()
    assert f'href="/listings/{obj.pk}/"' in page and "挂牌督办" in page and "超期 6 天" in page
    assert "重大隐患挂牌督办（在督）" in page and "县级挂牌 <strong>1</strong>" in page
    assert "逾期未整改 <strong>1</strong>" in page and "已发督办函 <strong>1</strong>" in page
    notice = client_as("county").get(f"/listings/{obj.pk}/notice/").content.decode()
    assert "测试县安委办督函〔2026〕1号" in notice and "重大事故隐患挂牌督办督办函" in notice
    assert "2026年3月23日" in notice
    assert f'href="/listings/{obj.pk}/"' not in client_as("clerk_b").get("/supervision/").content.decode()
    assert client_as("clerk_b").get(f"/listings/{obj.pk}/notice/").status_code == 404


def test_the_overdue_listing_is_notified_to_its_township(world):
    from ledger.supervision import notify_newly_overdue
    from sanzero.models import Notification

    obj = overdue(world)
    with time_machine.travel(datetime.datetime(2026, 3, 16, 7, 0), tick=False):
        notify_newly_overdue()
    assert Notification.objects.filter(object_label="hazards.hazardlisting", object_id=str(obj.pk)).exists()
