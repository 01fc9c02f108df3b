"""The holiday page (/settings/holidays/): who may open and change it, entering and deleting days, refusals
and warnings, the nav link, its query count.

No 2027 notice exists yet. 1 January is 元旦 by law (全国年节及纪念日放假办法), so 2027-01-01 放假 is
entered as such; every other 2027 day below is test data named 测试…, not a guess at the notice."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from sanzero import workdays
from sanzero.models import Holiday, HolidayStamp
from sanzero.services import ServiceError
from sanzero.testing import assert_flat_queries, check_role_matrix, queries_of
from sanzero.tests.helpers import HOLIDAYS_URL, REST, WARNING_2027, WORK, enter_holidays
from sanzero.workdays import is_workday, year_source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("holiday_clock", "media")]

D = datetime.date


def test_who_may_open_and_change_the_holiday_page(world, client_as):
    check_role_matrix(
        client_as,
        HOLIDAYS_URL,
        {"anonymous": 302, "admin": 200, "county": 200, "clerk_a": 403, "grid_a": 403, "dept_edu": 403},
    )
    post = {"start": "2027-01-01", "end": "2027-01-03", "kind": REST, "name": "元旦"}
    check_role_matrix(
        client_as,
        HOLIDAYS_URL,
        {"anonymous": 302, "clerk_a": 403, "grid_a": 403, "dept_edu": 403},
        method="post",
        data=post,
    )
    assert not Holiday.objects.exists()
    with pytest.raises(PermissionDenied, match="只有县平安办和系统管理员"):
        enter_holidays(world, D(2027, 1, 1), user="clerk_a")
    held = enter_holidays(world, D(2027, 1, 1))
    day = Holiday.objects.get(date=D(2027, 1, 1))
    assert held.created == [D(2027, 1, 1)]
    for url in (reverse("holidays:delete_day", args=[day.pk]), reverse("holidays:delete_year", args=[2027])):
        check_role_matrix(client_as, url, {"anonymous": 302, "clerk_a": 403, "dept_edu": 403})
        check_role_matrix(client_as, url, {"clerk_a": 403, "grid_a": 403}, method="post")
    assert Holiday.objects.count() == 1


def test_a_year_entered_by_hand_through_the_page(world, client_as):
    client = client_as("county")
    page = client.get(HOLIDAYS_URL)
    assert page.context["year"] == 2027 and page.context["source"] == workdays.NONE  # the uncovered year first
    assert WARNING_2027 in page.content.decode()
    response = client.post(HOLIDAYS_URL, {"start": "2027-01-01", "end": "2027-01-03", "kind": REST, "name": " 元旦 "})
    assert response.status_code == 302 and response["Location"] == f"{HOLIDAYS_URL}?year=2027"
    assert list(Holiday.objects.values_list("date", "kind", "name")) == [
        (D(2027, 1, 1), REST, "元旦"),
        (D(2027, 1, 2), REST, "元旦"),
        (D(2027, 1, 3), REST, "元旦"),
    ]
    client.post(HOLIDAYS_URL, {"start": "2027-02-06", "kind": WORK, "name": "测试调休"})
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.context["source"] == workdays.ENTERED and (page.context["rest_count"], page.context["work_count"]) == (
        3,
        1,
    )
    assert [g.name for g in page.context["groups"]] == ["元旦", "测试调休"]
    assert "1月1日至3日（共3天）" in html and "元旦放假共3天：新增3天。" in html
    assert WARNING_2027 not in html
    records = Holiday.history.filter(date=D(2027, 1, 1))
    assert records.count() == 1 and records.get().history_user == world.users["county"]
    assert records.get().history_change_reason == "录入节假日安排"
    assert "2027-01-01（周五）元旦 放假 · 录入节假日安排" in html  # the page's audit card
    # The same range again changes nothing; a new name for the same kind renames the days.
    again = enter_holidays(world, D(2027, 1, 1), D(2027, 1, 3))
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], 3)
    renamed = enter_holidays(world, D(2027, 1, 3), name="元旦假期")
    assert renamed.updated == [D(2027, 1, 3)] and Holiday.history.filter(date=D(2027, 1, 3)).count() == 2


def test_package_years_are_shown_read_only_for_reference(world, client_as):
    page = client_as("admin").get(f"{HOLIDAYS_URL}?year=2026")
    assert page.context["source"] == workdays.PACKAGE
    spring = next(g for g in page.context["package_groups"] if g.name == "春节")
    assert spring.rest_text == "2月15日至23日（共9天）" and spring.work_text == "2月14日、2月28日（共2天）"
    assert "chinesecalendar 1.11.0" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"start": "2027-13-01", "kind": REST, "name": "元旦"}, "start", "日期格式不正确"),
        ({"start": "", "kind": REST, "name": "元旦"}, "start", "请填写起始日期"),
        ({"start": "2027-01-03", "end": "2027-01-01", "kind": REST, "name": "元旦"}, "end", "结束日期不能早于起始日期"),
        (
            {"start": "2027-01-01", "end": "2027-02-01", "kind": REST, "name": "元旦"},
            "end",
            "一次最多录入31天（本次为32天）",
        ),
        ({"start": "2027-01-01", "kind": "休息", "name": "元旦"}, "kind", "类型应为“放假”或“调休上班”"),
        ({"start": "2027-01-01", "kind": REST, "name": ""}, "name", "请填写名称"),
        ({"start": "1999-01-01", "kind": REST, "name": "元旦"}, "start", "日期应在2000年至2100年之间"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message(world, client_as, data, field, message):
    response = client_as("county").post(HOLIDAYS_URL, data)
    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field]), response.context["form"].errors
    assert message in response.content.decode()
    assert not Holiday.objects.exists() and HolidayStamp.objects.get().version == 0


def test_a_day_cannot_be_both_rest_and_make_up_work(world, client_as):
    enter_holidays(world, D(2027, 2, 6), kind=WORK, name="测试调休")
    response = client_as("county").post(
        HOLIDAYS_URL, {"start": "2027-02-05", "end": "2027-02-07", "kind": REST, "name": "测试"}
    )
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    assert any("2027-02-06（周六）已录入为“调休上班”（测试调休），同一天不能既放假又调休上班" in e for e in errors)
    assert list(Holiday.objects.values_list("date", flat=True)) == [D(2027, 2, 6)]
    with pytest.raises(ServiceError):
        enter_holidays(world, D(2027, 2, 6), kind=REST, name="测试调休")


def test_oddities_are_warnings_not_refusals(world, client_as):
    client = client_as("county")
    response = client.post(HOLIDAYS_URL, {"start": "2027-01-04", "kind": WORK, "name": "元旦"}, follow=True)
    html = response.content.decode()
    assert "2027-01-04（周一）本来就是工作日；调休上班一般在周六或周日，请核对。" in html
    assert Holiday.objects.filter(date=D(2027, 1, 4), kind=WORK).exists()
    response = client.post(
        HOLIDAYS_URL, {"start": "2027-01-09", "end": "2027-01-10", "kind": REST, "name": "测试"}, follow=True
    )
    assert "均为周六、周日，本来就是休息日，请核对" in response.content.decode()
    assert Holiday.objects.count() == 3
    assert "本来就是工作日</span>" in response.content.decode()  # the odd make-up day is marked in the list


def test_delete_a_day_and_a_whole_year_after_a_confirmation_page(world, client_as):
    enter_holidays(world, D(2027, 1, 1), D(2027, 1, 3))
    enter_holidays(world, D(2027, 2, 6), kind=WORK, name="测试调休")
    client = client_as("admin")
    day = Holiday.objects.get(date=D(2027, 2, 6))
    confirm = client.get(reverse("holidays:delete_day", args=[day.pk]))
    assert confirm.status_code == 200 and "删除2027-02-06（周六）的“测试调休调休上班”？" in confirm.content.decode()
    assert Holiday.objects.count() == 4  # a GET changes nothing
    response = client.post(reverse("holidays:delete_day", args=[day.pk]))
    assert response.status_code == 302 and response["Location"] == f"{HOLIDAYS_URL}?year=2027"
    assert not Holiday.objects.filter(date=D(2027, 2, 6)).exists() and is_workday(D(2027, 1, 4))
    deleted = Holiday.history.filter(date=D(2027, 2, 6), history_type="-").get()
    assert deleted.history_user == world.users["admin"] and deleted.history_change_reason == "删除节假日安排"
    confirm = client.get(reverse("holidays:delete_year", args=[2027]))
    assert "删除2027年录入的全部3天" in confirm.content.decode() and "周一至周五" in confirm.content.decode()
    client.post(reverse("holidays:delete_year", args=[2027]))
    assert not Holiday.objects.exists() and year_source(2027) == workdays.NONE and is_workday(D(2027, 1, 1))
    assert Holiday.history.filter(history_type="-").count() == 4
    assert client.post(reverse("holidays:delete_day", args=[day.pk])).status_code == 404


def test_the_nav_links_the_holiday_page_beside_the_deadline_settings(world, client_as):
    html = client_as("county").get("/").content.decode()
    assert f'href="{HOLIDAYS_URL}"' in html and 'href="/settings/deadlines/"' in html
    assert f'href="{HOLIDAYS_URL}"' not in client_as("clerk_a").get("/").content.decode()


def test_the_holiday_page_costs_the_same_queries_for_a_few_and_many_days(world, client_as):
    client = client_as("county")
    holidays = [
        (D(2027, 1, 1), D(2027, 1, 3), "元旦"),
        (D(2027, 2, 6), D(2027, 3, 6), "测试甲"),
        (D(2027, 10, 1), D(2027, 10, 7), "测试乙"),
    ]  # 3 days, then 39 days in three holidays

    def add(rows):
        for start, end, name in (holidays[i] for i in rows):
            enter_holidays(world, start, end, name=name)

    assert_flat_queries(lambda: queries_of(client, f"{HOLIDAYS_URL}?year=2027"), add=add, sizes=(1, 3))
