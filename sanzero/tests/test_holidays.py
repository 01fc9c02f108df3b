"""节假日安排: entered days override chinesecalendar (which knows 2004–2026), the page, the import, the
warning beside deadlines of uncovered years, recomputing stored deadlines, the cache across processes.

No 2027 notice exists yet. 1 January is 元旦 by law (全国年节及纪念日放假办法), so 2027-01-01 放假 is
entered as such; every other 2027 day below is test data named 测试…, not a guess at the notice.
"""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disputes import services as dispute_services
from disputes.models import Dispute
from sanzero import workdays
from sanzero.holidays import services
from sanzero.importing.base import KINDS, kinds_for
from sanzero.importing.engine import import_file
from sanzero.models import Holiday, HolidayKind, HolidayStamp
from sanzero.services import ServiceError
from sanzero.testing import check_role_matrix
from sanzero.workdays import add_workdays, is_workday, uncovered_years, year_source

pytestmark = pytest.mark.django_db

D = datetime.date
URL = "/settings/holidays/"
WARNING_2027 = "2027年节假日安排尚未录入，期限按周一至周五计算"
REST, WORK = HolidayKind.REST, HolidayKind.WORK


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(datetime.datetime(2026, 12, 31, 2, 0), tick=False):  # 10:00 in Shanghai
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def enter(world, start, end=None, kind=REST, name="元旦", user="county"):
    return services.holiday_range_add(actor=world.users[user], start=start, end=end, kind=kind, name=name)


def dispute(world, found_on, subject=None):
    return dispute_services.dispute_create(actor=world.users["clerk_a"], data={
        "subject": subject or world.shop_a, "found_on": found_on, "category": "邻里纠纷",
        "summary": "排水沟堵塞引发争执", "source": "网格排查", "people_count": 2, "risk_colour": "黄"})


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADERS = ["日期", "类型", "名称"]


# -- the calendar: entered days before the package before Monday–Friday ------------------------------


def test_2027_falls_back_to_monday_to_friday_until_it_is_entered(world):
    assert year_source(2026) == workdays.PACKAGE and year_source(2027) == workdays.NONE
    assert is_workday(D(2027, 1, 1))  # a Friday: without data an ordinary working day
    enter(world, D(2027, 1, 1), D(2027, 1, 3))
    assert year_source(2027) == workdays.ENTERED
    assert not is_workday(D(2027, 1, 1))
    assert is_workday(D(2027, 1, 4)) and not is_workday(D(2027, 1, 9))  # the rest of the year: Mon–Fri


def test_an_entered_make_up_saturday_is_a_working_day(world):
    enter(world, D(2027, 2, 6), kind=WORK, name="测试调休")
    assert is_workday(D(2027, 2, 6)) and not is_workday(D(2027, 2, 7))


def test_an_entered_year_overrides_the_package_entirely(world):
    assert not is_workday(D(2026, 2, 16)) and is_workday(D(2026, 2, 14))  # the package's 春节 2026
    result = enter(world, D(2026, 3, 2), name="测试")
    assert any("2026年原由chinesecalendar提供" in w for w in result.warnings)
    assert year_source(2026) == workdays.ENTERED
    assert not is_workday(D(2026, 3, 2))
    assert is_workday(D(2026, 2, 16))  # no longer the package's holiday: a Monday
    assert not is_workday(D(2026, 2, 14))  # no longer the package's make-up Saturday
    assert is_workday(D(2025, 10, 9)) and not is_workday(D(2025, 10, 1))  # other years keep the package


def test_a_dispute_ladder_crossing_new_year_2027(world):
    """Found Wednesday 2026-12-30, 四级七天: Mon–Fri fallback vs. after 2027-01-01 is entered as 放假."""
    on_31st = dispute(world, D(2026, 12, 31))
    d = dispute(world, D(2026, 12, 30))
    assert d.due_on == D(2026, 12, 31)  # 1 working day: inside 2026, the package's year
    assert d.overall_due_on == D(2027, 1, 8)  # 12-31, 1-1 (Friday, unknown), 1-4 … 1-8
    assert on_31st.due_on == D(2027, 1, 1)
    enter(world, D(2027, 1, 1), D(2027, 1, 3))
    assert add_workdays(D(2026, 12, 30), 7) == D(2027, 1, 11)
    d.refresh_from_db()
    assert d.overall_due_on == D(2027, 1, 8)  # stored at save time: entering a year moves nothing by itself
    later = dispute(world, D(2026, 12, 30))
    assert later.overall_due_on == D(2027, 1, 11)  # a new entry uses the entered days at once


# -- recomputing stored deadlines -------------------------------------------------------------------


def test_recompute_moves_the_open_deadlines_of_the_year_and_audits_each(world):
    d = dispute(world, D(2026, 12, 30))
    on_31st = dispute(world, D(2026, 12, 31))
    resolved = dispute(world, D(2026, 12, 31))
    dispute_services.dispute_transition(actor=world.users["clerk_a"], obj=resolved, name="resolve", data={
        "resolved_on": D(2026, 12, 31), "agreement": "双方和解", "agreement_type": "口头"})
    untouched = dispute(world, D(2026, 12, 1))  # its deadlines are over before 2027
    before = {x.pk: (x.due_on, x.overall_due_on, x.version) for x in Dispute.objects.all()}
    enter(world, D(2027, 1, 1), D(2027, 1, 3))
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
    d = dispute(world, D(2026, 12, 31))
    enter(world, D(2027, 1, 1))
    page = client_as("county").get(f"{URL}?year=2027")
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


# -- the page --------------------------------------------------------------------------------------


def test_who_may_open_and_change_the_holiday_page(world, client_as):
    check_role_matrix(client_as, URL, {"anonymous": 302, "admin": 200, "county": 200, "clerk_a": 403,
                                       "grid_a": 403, "dept_edu": 403})
    post = {"start": "2027-01-01", "end": "2027-01-03", "kind": REST, "name": "元旦"}
    check_role_matrix(client_as, URL, {"anonymous": 302, "clerk_a": 403, "grid_a": 403, "dept_edu": 403},
                      method="post", data=post)
    assert not Holiday.objects.exists()
    with pytest.raises(PermissionDenied, match="只有县平安办和系统管理员"):
        enter(world, D(2027, 1, 1), user="clerk_a")
    held = enter(world, D(2027, 1, 1))
    day = Holiday.objects.get(date=D(2027, 1, 1))
    assert held.created == [D(2027, 1, 1)]
    for url in (reverse("holidays:delete_day", args=[day.pk]), reverse("holidays:delete_year", args=[2027])):
        check_role_matrix(client_as, url, {"anonymous": 302, "clerk_a": 403, "dept_edu": 403})
        check_role_matrix(client_as, url, {"clerk_a": 403, "grid_a": 403}, method="post")
    assert Holiday.objects.count() == 1


def test_a_year_entered_by_hand_through_the_page(world, client_as):
    client = client_as("county")
    page = client.get(URL)
    assert page.context["year"] == 2027 and page.context["source"] == workdays.NONE  # the uncovered year first
    assert WARNING_2027 in page.content.decode()
    response = client.post(URL, {"start": "2027-01-01", "end": "2027-01-03", "kind": REST, "name": " 元旦 "})
    assert response.status_code == 302 and response["Location"] == f"{URL}?year=2027"
    assert list(Holiday.objects.values_list("date", "kind", "name")) == [
        (D(2027, 1, 1), REST, "元旦"), (D(2027, 1, 2), REST, "元旦"), (D(2027, 1, 3), REST, "元旦")]
    client.post(URL, {"start": "2027-02-06", "kind": WORK, "name": "测试调休"})
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.context["source"] == workdays.ENTERED and (page.context["rest_count"], page.context["work_count"]) == (3, 1)
    assert [g.name for g in page.context["groups"]] == ["元旦", "测试调休"]
    assert "1月1日至3日（共3天）" in html and "元旦放假共3天：新增3天。" in html
    assert WARNING_2027 not in html
    records = Holiday.history.filter(date=D(2027, 1, 1))
    assert records.count() == 1 and records.get().history_user == world.users["county"]
    assert records.get().history_change_reason == "录入节假日安排"
    assert "2027-01-01（周五）元旦 放假 · 录入节假日安排" in html  # the page's audit card
    # The same range again changes nothing; a new name for the same kind renames the days.
    again = enter(world, D(2027, 1, 1), D(2027, 1, 3))
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], 3)
    renamed = enter(world, D(2027, 1, 3), name="元旦假期")
    assert renamed.updated == [D(2027, 1, 3)] and Holiday.history.filter(date=D(2027, 1, 3)).count() == 2


def test_package_years_are_shown_read_only_for_reference(world, client_as):
    page = client_as("admin").get(f"{URL}?year=2026")
    assert page.context["source"] == workdays.PACKAGE
    spring = next(g for g in page.context["package_groups"] if g.name == "春节")
    assert spring.rest_text == "2月15日至23日（共9天）" and spring.work_text == "2月14日、2月28日（共2天）"
    assert "chinesecalendar 1.11.0" in page.content.decode()


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"start": "2027-13-01", "kind": REST, "name": "元旦"}, "start", "日期格式不正确"),
    ({"start": "", "kind": REST, "name": "元旦"}, "start", "请填写起始日期"),
    ({"start": "2027-01-03", "end": "2027-01-01", "kind": REST, "name": "元旦"}, "end", "结束日期不能早于起始日期"),
    ({"start": "2027-01-01", "end": "2027-02-01", "kind": REST, "name": "元旦"}, "end", "一次最多录入31天（本次为32天）"),
    ({"start": "2027-01-01", "kind": "休息", "name": "元旦"}, "kind", "类型应为“放假”或“调休上班”"),
    ({"start": "2027-01-01", "kind": REST, "name": ""}, "name", "请填写名称"),
    ({"start": "1999-01-01", "kind": REST, "name": "元旦"}, "start", "日期应在2000年至2100年之间"),
])
def test_bad_input_is_refused_with_a_chinese_message(world, client_as, data, field, message):
    response = client_as("county").post(URL, data)
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field]), response.context["form"].errors
    assert message in response.content.decode()
    assert not Holiday.objects.exists() and HolidayStamp.objects.get().version == 0


def test_a_day_cannot_be_both_rest_and_make_up_work(world, client_as):
    enter(world, D(2027, 2, 6), kind=WORK, name="测试调休")
    response = client_as("county").post(URL, {"start": "2027-02-05", "end": "2027-02-07", "kind": REST, "name": "测试"})
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    assert any("2027-02-06（周六）已录入为“调休上班”（测试调休），同一天不能既放假又调休上班" in e for e in errors)
    assert list(Holiday.objects.values_list("date", flat=True)) == [D(2027, 2, 6)]
    with pytest.raises(ServiceError):
        enter(world, D(2027, 2, 6), kind=REST, name="测试调休")


def test_oddities_are_warnings_not_refusals(world, client_as):
    client = client_as("county")
    response = client.post(URL, {"start": "2027-01-04", "kind": WORK, "name": "元旦"}, follow=True)
    html = response.content.decode()
    assert "2027-01-04（周一）本来就是工作日；调休上班一般在周六或周日，请核对。" in html
    assert Holiday.objects.filter(date=D(2027, 1, 4), kind=WORK).exists()
    response = client.post(URL, {"start": "2027-01-09", "end": "2027-01-10", "kind": REST, "name": "测试"}, follow=True)
    assert "均为周六、周日，本来就是休息日，请核对" in response.content.decode()
    assert Holiday.objects.count() == 3
    assert "本来就是工作日</span>" in response.content.decode()  # the odd make-up day is marked in the list


def test_delete_a_day_and_a_whole_year_after_a_confirmation_page(world, client_as):
    enter(world, D(2027, 1, 1), D(2027, 1, 3))
    enter(world, D(2027, 2, 6), kind=WORK, name="测试调休")
    client = client_as("admin")
    day = Holiday.objects.get(date=D(2027, 2, 6))
    confirm = client.get(reverse("holidays:delete_day", args=[day.pk]))
    assert confirm.status_code == 200 and "删除2027-02-06（周六）的“测试调休调休上班”？" in confirm.content.decode()
    assert Holiday.objects.count() == 4  # a GET changes nothing
    response = client.post(reverse("holidays:delete_day", args=[day.pk]))
    assert response.status_code == 302 and response["Location"] == f"{URL}?year=2027"
    assert not Holiday.objects.filter(date=D(2027, 2, 6)).exists() and is_workday(D(2027, 1, 4))
    deleted = Holiday.history.filter(date=D(2027, 2, 6), history_type="-").get()
    assert deleted.history_user == world.users["admin"] and deleted.history_change_reason == "删除节假日安排"
    confirm = client.get(reverse("holidays:delete_year", args=[2027]))
    assert "删除2027年录入的全部3天" in confirm.content.decode() and "周一至周五" in confirm.content.decode()
    client.post(reverse("holidays:delete_year", args=[2027]))
    assert not Holiday.objects.exists() and year_source(2027) == workdays.NONE and is_workday(D(2027, 1, 1))
    assert Holiday.history.filter(history_type="-").count() == 4
    assert client.post(reverse("holidays:delete_day", args=[day.pk])).status_code == 404


# -- the Excel import and the command ---------------------------------------------------------------


def test_a_year_entered_through_import_xlsx(world, tmp_path):
    rows = [HEADERS, ["2027-01-01", "放假", "元旦"], [D(2027, 1, 2), "放假", "元旦"], ["2027-01-03", "放假", "元旦"],
            ["2027-02-06", "调休上班", "测试调休"]]
    path = tmp_path / "holidays.xlsx"
    path.write_bytes(xlsx(rows))
    out = io.StringIO()
    call_command("import_xlsx", "holidays", str(path), "--dry-run", stdout=out)
    assert "试导入通过" in out.getvalue() and not Holiday.objects.exists()
    call_command("import_xlsx", "holidays", str(path), stdout=out)
    assert "导入完成：节假日安排，共4行，新增4行" in out.getvalue()
    assert year_source(2027) == workdays.ENTERED and not is_workday(D(2027, 1, 1)) and is_workday(D(2027, 2, 6))
    admin = world.users["admin"]
    assert set(Holiday.history.values_list("history_user", "history_change_reason")) == {(admin.pk, "Excel导入")}
    version = HolidayStamp.objects.get().version
    again = io.StringIO()
    call_command("import_xlsx", "holidays", str(path), stdout=again)
    assert "新增0行，修改0行，未变化4行" in again.getvalue()
    assert Holiday.history.count() == 4 and HolidayStamp.objects.get().version == version
    # A corrected file updates the day it changes (the date is the key).
    result = import_file(actor=world.users["county"], kind="holidays", dry_run=False,
                         file=xlsx([HEADERS, ["2027-02-06", "调休上班", "测试更正"]]))
    assert result.ok and (result.new, result.changed) == (0, 1)
    assert Holiday.objects.get(date=D(2027, 2, 6)).name == "测试更正"


def test_a_bad_holiday_file_is_refused_whole_with_row_errors(world, tmp_path):
    rows = [HEADERS, ["2027-01-01", "放假", "元旦"], ["2027-13-01", "放假", "元旦"], ["2027-01-05", "休息", "元旦"],
            ["2027-01-06", "放假", None], ["2027-01-01", "调休上班", "元旦"], ["1999-01-01", "放假", "元旦"]]
    result = import_file(actor=world.users["county"], kind="holidays", file=xlsx(rows), dry_run=False)
    assert not result.ok and not Holiday.objects.exists()
    text = "\n".join(result.errors)
    assert "第3行 日期: 日期无效：2027-13-01（日期格式应为YYYY-MM-DD）" in text
    assert "第4行 类型:" in text and "第5行 名称: 必填" in text
    assert "第6行 日期: 与第2行重复（日期相同）" in text
    assert "第7行 日期: 日期应在2000年至2100年之间" in text
    target = tmp_path / "bad.xlsx"
    target.write_bytes(xlsx(rows))
    with pytest.raises(CommandError, match="第3行 日期"):
        call_command("import_xlsx", "holidays", str(target), stdout=io.StringIO())
    assert not Holiday.objects.exists()


def test_holiday_import_warnings_and_who_may_import(world):
    rows = [HEADERS, ["2027-01-04", "调休上班", "元旦"], ["2027-01-09", "放假", "测试"], ["2026-05-06", "放假", "测试"]]
    result = import_file(actor=world.users["county"], kind="holidays", file=xlsx(rows), dry_run=True)
    warnings = "\n".join(str(w) for w in result.warnings)
    assert "第2行 日期: 2027-01-04（周一）本来就是工作日" in warnings
    assert "“测试”的放假日期均为周六、周日" in warnings
    assert "第4行: 2026年原由chinesecalendar提供节假日安排" in warnings
    assert "holidays" in {k.name for k in kinds_for(world.users["county"])}
    assert "holidays" not in {k.name for k in kinds_for(world.users["clerk_a"])}
    refused = import_file(actor=world.users["clerk_a"], kind="holidays", file=xlsx(rows), dry_run=False)
    assert not refused.ok and "不能导入“节假日安排”" in refused.errors[0]
    assert KINDS["holidays"].spec().headers == HEADERS


def test_the_holidays_command_says_what_covers_a_year(world):
    out = io.StringIO()
    call_command("holidays", "--year", "2026", stdout=out)
    assert out.getvalue().strip() == "2026年：chinesecalendar 1.11.0（未录入）"
    with pytest.raises(CommandError, match="以下年份的节假日安排尚未录入：2027"):
        call_command("holidays", "--year", "2027", "--check", stdout=io.StringIO())
    default = io.StringIO()
    call_command("holidays", stdout=default)  # this year and next
    assert "2026年：chinesecalendar" in default.getvalue() and "2027年：未录入" in default.getvalue()
    d = dispute(world, D(2026, 12, 31))
    enter(world, D(2027, 1, 1), D(2027, 1, 3))
    enter(world, D(2027, 2, 6), kind=WORK, name="测试调休")
    out = io.StringIO()
    call_command("holidays", "--year", "2027", "--check", "--recompute", stdout=out)
    assert "2027年：已录入（放假3天，调休上班1天）" in out.getvalue() and "期限变更1件" in out.getvalue()
    d.refresh_from_db()
    assert d.due_on == D(2027, 1, 4) and d.history.latest().history_user == world.users["admin"]
    with pytest.raises(CommandError, match="年份应在2000–2100之间"):
        call_command("holidays", "--year", "1800")
    with pytest.raises(CommandError, match="不能修改节假日安排"):
        call_command("holidays", "--recompute", "--user", "clerk_a")


# -- the warning beside deadlines --------------------------------------------------------------------


def test_uncovered_years(world):
    assert uncovered_years([D(2026, 12, 31), None, D(2025, 1, 1)]) == []
    assert uncovered_years([D(2027, 1, 1), D(2028, 3, 1), D(2027, 6, 1), D(2026, 1, 1)]) == [2027, 2028]
    enter(world, D(2027, 1, 1))
    assert uncovered_years([D(2027, 1, 1), D(2028, 3, 1)]) == [2028]


def test_pages_with_a_2027_deadline_warn_until_2027_is_entered(world, client_as):
    d = dispute(world, D(2026, 12, 31))  # due 2027-01-01: on the lists, its page and 督办 (due in 2 days)
    clerk, county = client_as("clerk_a"), client_as("county")
    pages = ["/disputes/", d.get_absolute_url(), "/disputes/new/", "/supervision/"]
    for url in pages:
        html = clerk.get(url).content.decode()
        assert WARNING_2027 in html, url
        assert "录入节假日安排</a>" not in html, url  # a clerk cannot enter it: no link
    editor_pages = ["/disputes/", d.get_absolute_url(), "/supervision/", "/", "/settings/deadlines/"]
    for url in editor_pages:
        html = county.get(url).content.decode()
        assert WARNING_2027 in html and f'href="{URL}?year=2027"' in html, url
    assert f'href="{URL}?year=2027"' in client_as("admin").get("/disputes/new/").content.decode()
    assert WARNING_2027 not in clerk.get("/").content.decode()  # the home page shows no deadline to a clerk
    assert WARNING_2027 in client_as("admin").get("/admin/").content.decode()
    assert WARNING_2027 not in clerk.get("/hazards/").content.decode()  # no 2027 deadline there
    enter(world, D(2027, 1, 1))
    for url in editor_pages:
        assert WARNING_2027 not in county.get(url).content.decode(), url
    for url in pages:
        assert WARNING_2027 not in clerk.get(url).content.decode(), url
    assert WARNING_2027 not in client_as("admin").get("/admin/").content.decode()


def test_a_list_of_2026_deadlines_does_not_warn(world, client_as):
    with time_machine.travel(datetime.datetime(2026, 3, 16, 2, 0), tick=False):
        dispute(world, D(2026, 3, 2))
        html = client_as("clerk_a").get("/disputes/").content.decode()
        assert "节假日安排尚未录入" not in html


def test_calendar_day_deadlines_in_2027_do_not_warn(world, client_as):
    """A petition's 60 days (日) and a hazard's 7 days do not depend on the holidays."""
    from hazards import services as hazard_services
    from petitions import services as petition_services

    p = petition_services.petition_create(actor=world.users["clerk_a"], data={
        "subject": world.shop_a, "received_on": D(2026, 12, 31), "channel": "来访", "type": "申诉求决",
        "headcount": 1, "level_reached": "乡镇", "content": "反映道路积水"})
    h = hazard_services.hazard_create(actor=world.users["clerk_a"], data={
        "subject": world.shop_a, "found_on": D(2026, 12, 27), "category": "消防", "level": "一般",
        "description": "灭火器过期"})
    assert p.due_on.year == 2027 and h.due_on.year == 2027
    clerk = client_as("clerk_a")
    for url in ("/petitions/", p.get_absolute_url(), "/petitions/new/", "/hazards/", h.get_absolute_url()):
        assert "节假日安排尚未录入" not in clerk.get(url).content.decode(), url
    # 督办 lists the hazard (due within days) but no working-day deadline: no warning either
    page = client_as("county").get("/supervision/")
    assert page.context["total"] >= 1 and "节假日安排尚未录入" not in page.content.decode()


def test_the_nav_links_the_holiday_page_beside_the_deadline_settings(world, client_as):
    html = client_as("county").get("/").content.decode()
    assert f'href="{URL}"' in html and 'href="/settings/deadlines/"' in html
    assert f'href="{URL}"' not in client_as("clerk_a").get("/").content.decode()


# -- cost and the cache across processes ------------------------------------------------------------


def test_no_query_per_day_asked(world, django_assert_max_num_queries):
    enter(world, D(2027, 1, 1), D(2027, 1, 3))
    workdays.clear_cache()
    with django_assert_max_num_queries(2):  # the stamp and the entered days, once
        assert add_workdays(D(2026, 12, 1), 400) > D(2028, 1, 1)
        assert workdays.workdays_between(D(2026, 1, 1), D(2028, 12, 31)) > 700
        assert uncovered_years(D(2027, 1, 1) + datetime.timedelta(days=i) for i in range(800)) == [2028, 2029]
    with django_assert_max_num_queries(0):
        for i in range(1000):
            is_workday(D(2027, 1, 1) + datetime.timedelta(days=i))


def test_a_check_of_the_stamp_costs_one_query_per_computation_not_per_day(world, settings):
    settings.SANZERO_HOLIDAY_CHECK_SECONDS = 0  # check on every use
    is_workday(D(2027, 1, 1))
    with CaptureQueriesContext(connection) as ctx:
        add_workdays(D(2027, 1, 1), 300)
    assert len(ctx.captured_queries) == 1 and "holidaystamp" in ctx.captured_queries[0]["sql"].lower()


def test_another_process_sees_a_change_at_its_next_check_of_the_stamp(world, settings):
    """Simulate a change made by another process: rows and stamp written, this process not told."""
    assert is_workday(D(2027, 1, 1))  # this process has loaded its table
    Holiday.objects.create(date=D(2027, 1, 1), kind=REST, name="元旦")
    HolidayStamp.objects.filter(pk=1).update(version=7)
    assert is_workday(D(2027, 1, 1))  # within the check interval: the table in memory
    settings.SANZERO_HOLIDAY_CHECK_SECONDS = 0  # the interval has passed
    assert not is_workday(D(2027, 1, 1))
    Holiday.objects.filter(date=D(2027, 1, 1)).delete()
    assert not is_workday(D(2027, 1, 1))  # the stamp did not move: nothing to reload
    HolidayStamp.objects.filter(pk=1).update(version=8)
    assert is_workday(D(2027, 1, 1))


def test_a_change_is_seen_at_once_in_its_own_process_and_clear_cache_forgets(world):
    assert is_workday(D(2027, 1, 1))
    version = HolidayStamp.objects.get().version
    enter(world, D(2027, 1, 1))
    assert HolidayStamp.objects.get().version == version + 1
    assert not is_workday(D(2027, 1, 1))
    Holiday.objects.all().delete()  # behind the services' back: the table still holds the day…
    assert not is_workday(D(2027, 1, 1))
    workdays.clear_cache()  # …until the cache is cleared
    assert is_workday(D(2027, 1, 1))


def test_the_holiday_page_costs_the_same_queries_for_a_few_and_many_days(world, client_as):
    client = client_as("county")

    def measure():
        client.get(f"{URL}?year=2027")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{URL}?year=2027").status_code == 200
        return len(ctx.captured_queries)

    enter(world, D(2027, 1, 1), D(2027, 1, 3))
    few = measure()
    enter(world, D(2027, 2, 6), D(2027, 3, 6), name="测试甲")
    enter(world, D(2027, 10, 1), D(2027, 10, 7), name="测试乙")
    assert measure() == few
