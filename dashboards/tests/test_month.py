"""Month submission (上报, with a summary first), withdrawal (撤回上报) and locking (锁定) checks."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dashboards import compute, services
from dashboards.models import ALL_GROUPS, MonthStatus, Period, RegionMonth
from declarations.testing import declare_month
from hazards import services as hazard_services
from hazards.models import Accident
from sanzero.services import ServiceError
from sanzero.testing import check_role_matrix

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
MONTH_URL = "/dashboard/month/"


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0), tick=False):
        yield


def hazard(world, subject, found_on, user="clerk_a"):
    return hazard_services.hazard_create(
        actor=world.users[user],
        data={"subject": subject, "found_on": found_on, "category": "用电", "level": "一般", "description": "电线老化"},
    )


@pytest.fixture
def computed(world):
    Accident.objects.create(subject=world.shop_a, occurred_on=datetime.date(2026, 3, 10), kind="火灾", injuries=1)
    hazard(world, world.shop_a, datetime.date(2026, 3, 2))  # due 03-09, still 整改中: overdue
    hazard(world, world.school_a, datetime.date(2026, 4, 1))  # due 04-08: overdue today, not in March
    hazard(world, world.shop_b, datetime.date(2026, 3, 2), user="clerk_b")
    compute.compute_month(region=world.county, month=MARCH)
    for town, clerk in ((world.town_a, "clerk_a"), (world.town_b, "clerk_b")):
        declare_month(world.users[clerk], town, MARCH)  # 零报告 first: 上报 waits for it
    return world


def submit(client, town, month="2026-03", **extra):
    return client.post(MONTH_URL, {"region": town.code, "month": month, "action": "submit", **extra})


def withdraw(client, town, reason="补录3月隐患台账", month="2026-03"):
    return client.post(MONTH_URL, {"region": town.code, "month": month, "action": "withdraw", "note": reason})


def lock(client, region, **extra):
    return client.post(MONTH_URL, {"region": region.code, "month": "2026-03", "action": "lock", **extra})


def state(region):
    row = MonthStatus.objects.filter(region=region, month=MARCH).first()
    return row.status if row else None


def last_reason(region):
    return MonthStatus.objects.get(region=region, month=MARCH).history.order_by("-history_id")[0].history_change_reason


# --- locking checks the townships' submissions ------------------------------------------------------


def test_lock_with_a_township_not_submitted_shows_the_warning_and_locks_nothing(computed, client_as):
    assert submit(client_as("clerk_a"), computed.town_a).status_code == 302
    response = lock(client_as("county"), computed.county)
    assert response.status_code == 200
    assert response.templates[0].name == "dashboards/month_lock.html"
    assert [(u["region"], u["label"]) for u in response.context["unsubmitted"]] == [(computed.town_b, "未上报")]
    body = response.content.decode()
    assert "尚有 1 个乡镇(街道)未上报" in body and "已上报 1/2" in body and "仍要锁定" in body
    assert 'name="confirm_unsubmitted" value="1"' in body
    assert state(computed.county) is None
    assert compute.lock_for(computed.county, MARCH) is None


def test_the_service_refuses_an_unconfirmed_lock_with_the_list(computed):
    with pytest.raises(services.UnsubmittedTownships) as exc:
        services.month_lock(actor=computed.users["county"], region=computed.county, month=MARCH)
    assert exc.value.townships == [(computed.town_a, "未上报"), (computed.town_b, "未上报")]
    assert "2个乡镇(街道)尚未上报：甲镇、乙镇" in str(exc.value)
    assert isinstance(exc.value, ServiceError)
    assert not MonthStatus.objects.exists()


def test_confirmed_lock_records_which_townships_had_not_submitted(computed, client_as):
    submit(client_as("clerk_a"), computed.town_a)
    response = lock(client_as("county"), computed.county, confirm_unsubmitted="1", note="已电话催报")
    assert response.status_code == 302
    assert state(computed.county) == "locked"
    assert last_reason(computed.county) == "锁定2026年03月，1个乡镇(街道)未上报：乙镇"
    row = MonthStatus.objects.get(region=computed.county, month=MARCH)
    assert row.note == "已电话催报（锁定时1个乡镇(街道)未上报：乙镇）"
    assert row.history.order_by("-history_id")[0].history_user == computed.users["county"]


def test_lock_proceeds_directly_when_every_township_has_submitted(computed, client_as):
    submit(client_as("clerk_a"), computed.town_a)
    submit(client_as("clerk_b"), computed.town_b)
    page = client_as("county").get("/dashboard/?month=2026-03").content.decode()
    assert 'data-confirm="锁定后该月数据不再重新计算。确认锁定？"' in page  # the usual confirmation (page-actions.js)
    response = lock(client_as("county"), computed.county)
    assert response.status_code == 302
    assert state(computed.county) == "locked"
    assert last_reason(computed.county) == "锁定2026年03月（2个乡镇(街道)均已上报）"


def test_locking_one_township_checks_that_township_only(computed, client_as):
    submit(client_as("clerk_a"), computed.town_a)
    assert lock(client_as("county"), computed.town_a).status_code == 302
    assert state(computed.town_a) == "locked"
    response = lock(client_as("county"), computed.town_b)
    assert [u["region"] for u in response.context["unsubmitted"]] == [computed.town_b]
    assert state(computed.town_b) is None


def test_a_withdrawn_township_is_listed_as_withdrawn(computed, client_as):
    submit(client_as("clerk_a"), computed.town_a)
    submit(client_as("clerk_b"), computed.town_b)
    withdraw(client_as("clerk_b"), computed.town_b, reason="信访台账漏登")
    response = lock(client_as("county"), computed.county)
    assert [(u["region"], u["label"]) for u in response.context["unsubmitted"]] == [(computed.town_b, "已撤回上报")]
    assert "信访台账漏登" in response.content.decode()


# --- submission shows a summary first ----------------------------------------------------------------


def test_submit_summary_shows_the_snapshot_figures(computed, client_as):
    response = client_as("clerk_a").get(f"/dashboard/month/submit/?region={computed.town_a.code}&month=2026-03")
    assert response.status_code == 200
    summary = response.context["summary"]
    rows = {(r.group, r.period): r for r in RegionMonth.objects.filter(region=computed.town_a, month=MARCH)}
    assert summary.rows == rows
    month_all, ytd_all = rows[(ALL_GROUPS, Period.MONTH)], rows[(ALL_GROUPS, Period.YTD)]
    assert (month_all.total, month_all.passed) == (4, 3)  # 2 subjects + 2 villages
    assert (month_all.hazards_found, month_all.hazards_rectified, month_all.overdue_open) == (1, 0, 1)
    assert summary.stats_month == month_all and summary.stats_ytd == ytd_all
    assert {o["label"]: o["count"] for o in summary.overdue}["安全隐患"] == 2  # open and overdue today
    assert summary.overdue_total == 2
    assert summary.computed_at == month_all.computed_at and not summary.stale
    body = response.content.decode()
    assert f"数据计算于 {timezone.localtime(month_all.computed_at):%Y年%-m月%-d日 %H:%M}" in body
    assert "75.0%" in body  # 本月 3/4
    assert f"/supervision/?region={computed.town_a.code}&amp;colour=red&amp;kind=hazards.hazard" in body
    assert "确认上报3月" in body
    assert state(computed.town_a) is None  # the page itself submits nothing


def test_a_stale_snapshot_is_flagged_with_a_hint_to_recompute(world, client_as):
    with time_machine.travel(datetime.datetime(2026, 3, 31, 12, 0), tick=False):
        compute.compute_month(region=world.county, month=MARCH)
    response = client_as("clerk_a").get(f"/dashboard/month/submit/?region={world.town_a.code}&month=2026-03")
    assert response.context["summary"].stale
    assert "联系县平安办重新计算" in response.content.decode()


def test_a_month_without_snapshot_warns_and_the_submission_says_so(world, client_as):
    client = client_as("clerk_a")
    declare_month(world.users["clerk_a"], world.town_a, MARCH)
    response = client.get(f"/dashboard/month/submit/?region={world.town_a.code}&month=2026-03")
    assert response.status_code == 200
    assert not response.context["summary"].has_snapshot
    assert "尚未计算快照" in response.content.decode() and "确认上报3月" in response.content.decode()
    submit(client, world.town_a, note="先行上报")
    row = MonthStatus.objects.get(region=world.town_a, month=MARCH)
    assert row.status == "submitted" and row.note == "【上报时该月尚无快照数据】先行上报"
    assert last_reason(world.town_a) == "上报2026年03月（上报时尚无快照数据）"


def test_submission_is_audited_with_the_figures_it_was_made_on(computed, client_as):
    submit(client_as("clerk_a"), computed.town_a)
    computed_at = timezone.localtime(RegionMonth.objects.filter(region=computed.town_a).first().computed_at)
    assert last_reason(computed.town_a) == f"上报2026年03月（年度累计达标3/4，数据计算于{computed_at:%m-%d %H:%M}）"
    row = MonthStatus.objects.get(region=computed.town_a, month=MARCH)
    assert row.history.order_by("-history_id")[0].history_user == computed.users["clerk_a"]


def test_a_submitted_month_cannot_be_submitted_again_nor_a_future_month(computed, client_as):
    client = client_as("clerk_a")
    submit(client, computed.town_a)
    with pytest.raises(ServiceError, match="已上报"):
        services.month_submit(actor=computed.users["clerk_a"], region=computed.town_a, month=MARCH)
    with pytest.raises(ServiceError, match="尚未到来"):
        services.month_submit(actor=computed.users["clerk_a"], region=computed.town_a, month=datetime.date(2026, 5, 1))
    future = client.get(f"/dashboard/month/submit/?region={computed.town_a.code}&month=2026-05")
    assert "尚未到来，不能上报" in future.content.decode() and "确认上报" not in future.content.decode()


# --- withdrawal -----------------------------------------------------------------------------------


def test_withdraw_before_the_lock_reopens_the_month(computed, client_as):
    client = client_as("clerk_a")
    submit(client, computed.town_a)
    overview = client.get("/dashboard/?month=2026-03").content.decode()
    assert 'id="withdraw-form"' in overview and "撤回上报" in overview
    response = withdraw(client, computed.town_a)
    assert response.status_code == 302
    row = MonthStatus.objects.get(region=computed.town_a, month=MARCH)
    assert (row.status, row.note) == ("open", "补录3月隐患台账")
    assert last_reason(computed.town_a) == "撤回2026年03月上报：补录3月隐患台账"
    again = client.get("/dashboard/?month=2026-03").content.decode()
    assert 'id="withdraw-form"' not in again and "上报3月…" in again
    submit(client, computed.town_a)  # and it can be submitted again
    assert state(computed.town_a) == "submitted"


def test_withdraw_needs_a_reason(computed, client_as):
    client = client_as("clerk_a")
    submit(client, computed.town_a)
    response = withdraw(client, computed.town_a, reason="  ")
    assert state(computed.town_a) == "submitted"
    assert "撤回上报必须填写原因。" in client.get(response.headers["Location"]).content.decode()


def test_withdraw_after_the_county_locks_is_refused(computed, client_as):
    client = client_as("clerk_a")
    submit(client, computed.town_a)
    submit(client_as("clerk_b"), computed.town_b)
    lock(client_as("county"), computed.county)
    overview = client.get("/dashboard/?month=2026-03").content.decode()
    assert 'id="withdraw-form"' not in overview and "已被县平安办锁定，不能再上报或撤回" in overview
    response = withdraw(client, computed.town_a)
    assert state(computed.town_a) == "submitted"
    assert "该月份已被县平安办锁定，不能撤回上报。" in client.get(response.headers["Location"]).content.decode()
    with pytest.raises(ServiceError, match="已锁定"):
        services.month_submit(actor=computed.users["clerk_b"], region=computed.town_b, month=MARCH)


def test_clerk_of_b_can_neither_submit_nor_withdraw_a(computed, client_as):
    submit(client_as("clerk_a"), computed.town_a)
    assert submit(client_as("clerk_b"), computed.town_a).status_code == 404
    assert withdraw(client_as("clerk_b"), computed.town_a).status_code == 404
    assert client_as("clerk_b").get(f"/dashboard/month/submit/?region={computed.town_a.code}").status_code == 404
    assert state(computed.town_a) == "submitted"
    assert MonthStatus.objects.get(region=computed.town_a).history.count() == 1
    with pytest.raises(PermissionDenied):
        services.month_withdraw(actor=computed.users["clerk_b"], region=computed.town_a, month=MARCH, reason="x")


def test_county_staff_do_not_submit_or_withdraw_for_a_township(computed, client_as):
    assert submit(client_as("county"), computed.town_a).status_code == 403
    submit(client_as("clerk_a"), computed.town_a)
    assert withdraw(client_as("county"), computed.town_a).status_code == 403
    assert state(computed.town_a) == "submitted"


# --- the overview shows who has submitted --------------------------------------------------------


def test_county_overview_counts_the_townships_that_submitted(computed, client_as):
    submit(client_as("clerk_a"), computed.town_a)
    response = client_as("county").get("/dashboard/?month=2026-03")
    board = response.context["board"]
    assert (board.submitted_count, board.total) == (1, 2)
    assert [e.region for e in board.unsubmitted] == [computed.town_b]
    body = response.content.decode()
    assert "已上报 1/2" in body and "甲镇 · 已上报" in body and "乙镇 · 未上报" in body
    assert "1个乡镇(街道)未上报，锁定前将列出并请您确认" in body
    subs = response.context["child_submissions"]
    assert subs[computed.town_a.pk]["own"].submitted and not subs[computed.town_b.pk]["own"].submitted
    entry = board.entries[0]
    assert entry.changed_by == computed.users["clerk_a"].display_name
    assert entry.changed_at == timezone.now()


def test_township_and_village_overviews_have_no_submission_board(computed, client_as):
    county_page = client_as("county").get("/dashboard/?month=2026-03").content.decode()
    assert 'id="submissions"' in county_page and "<th>上报</th>" in county_page
    for region in (computed.town_a, computed.village_a):
        body = client_as("county").get(f"/dashboard/?region={region.code}&month=2026-03").content.decode()
        assert 'id="submissions"' not in body and "<th>上报</th>" not in body


def test_overview_query_count_does_not_grow_with_submissions(computed, client_as, django_assert_max_num_queries):
    submit(client_as("clerk_a"), computed.town_a)
    withdraw(client_as("clerk_a"), computed.town_a)
    submit(client_as("clerk_b"), computed.town_b)
    client = client_as("county")
    with django_assert_max_num_queries(15):  # 14, and the header picker's region path
        assert client.get("/dashboard/?month=2026-03").status_code == 200


# --- roles and bad input -----------------------------------------------------------------------------


def test_role_matrix_of_the_submit_page(computed, client_as):
    url = f"/dashboard/month/submit/?region={computed.town_a.code}&month=2026-03"
    check_role_matrix(
        client_as,
        url,
        {"anonymous": 302, "admin": 200, "county": 403, "clerk_a": 200, "clerk_b": 404, "grid_a": 404, "dept_edu": 403},
    )
    assert not MonthStatus.objects.exists()


def test_role_matrix_of_the_lock_warning(computed, client_as):
    data = {"region": computed.county.code, "month": "2026-03", "action": "lock"}
    check_role_matrix(
        client_as,
        MONTH_URL,
        {"anonymous": 302, "admin": 200, "county": 200, "clerk_a": 404, "clerk_b": 404, "grid_a": 404, "dept_edu": 403},
        method="post",
        data=data,
    )
    assert not MonthStatus.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"region": "990121100000", "month": "2026-13", "action": "submit"},
        {"region": "990121100000", "month": "", "action": "submit"},
        {"region": "abc", "month": "2026-03", "action": "submit"},
        {"region": "990121999000", "month": "2026-03", "action": "submit"},
        {"region": "990121100000", "month": "2026-03", "action": "delete"},
        {"region": "990121100000", "month": "2026-03"},
    ],
)
def test_bad_input_to_the_month_action_is_404(computed, client_as, data):
    assert client_as("admin").post(MONTH_URL, data).status_code == 404
    assert not MonthStatus.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "region=990121100000&month=2026-13",
        "region=abc&month=2026-03",
        "region=%C2%B2&month=2026-03",
        "region=%EF%BC%99%EF%BC%99&month=2026-03",
        "region=990121999000&month=2026-03",
        "region=990121000000&month=2026-03",
    ],
)
def test_bad_input_to_the_submit_page_is_404(computed, client_as, query):
    assert client_as("admin").get(f"/dashboard/month/submit/?{query}").status_code == 404


def test_the_back_address_stays_on_this_site(computed, client_as):
    response = submit(client_as("clerk_a"), computed.town_a, back="//example.com/")
    assert response.headers["Location"] == "/dashboard/"


def test_a_lock_below_does_not_hide_the_county_lock_above(computed):
    """A village's own lock, found before the county's, must not let its township submit under a locked county."""
    village = computed.village_a
    MonthStatus.objects.create(region=village, month=MARCH, status=MonthStatus.Status.LOCKED)
    MonthStatus.objects.create(region=computed.county, month=MARCH, status=MonthStatus.Status.LOCKED)
    assert compute.lock_for(computed.town_a, MARCH).region == computed.county
    assert compute.lock_for(computed.town_a, MARCH, below=False).region == computed.county
    assert compute.lock_for(computed.town_b, MARCH, below=False).region == computed.county
    with pytest.raises(ServiceError, match="已锁定"):
        services.month_submit(actor=computed.users["clerk_a"], region=computed.town_a, month=MARCH)


def test_a_lock_below_covers_a_recomputation_but_not_a_submission_above(computed):
    MonthStatus.objects.create(region=computed.village_a, month=MARCH, status=MonthStatus.Status.LOCKED)
    assert compute.lock_for(computed.county, MARCH).region == computed.village_a
    assert compute.lock_for(computed.town_a, MARCH, below=False) is None
    assert compute.lock_for(computed.town_b, MARCH) is None
