"""节假日安排, the calendar: entered days override chinesecalendar (which knows 2004–2026), which overrides
Monday–Friday; what it costs, and the cache across processes.

No 2027 notice exists yet. 1 January is 元旦 by law (全国年节及纪念日放假办法), so 2027-01-01 放假 is
entered as such; every other 2027 day below is test data named 测试…, not a guess at the notice."""

from __future__ import annotations

import datetime

import pytest

from sanzero import workdays
from sanzero.models import Holiday, HolidayStamp
from sanzero.testing import captured_sql
from sanzero.tests.helpers import REST, WORK, dispute_found_on, enter_holidays
from sanzero.workdays import add_workdays, is_workday, uncovered_years, year_source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("holiday_clock", "media")]

D = datetime.date


def test_2027_falls_back_to_monday_to_friday_until_it_is_entered(world):
    assert year_source(2026) == workdays.PACKAGE and year_source(2027) == workdays.NONE
    assert is_workday(D(2027, 1, 1))  # a Friday: without data an ordinary working day
    enter_holidays(world, D(2027, 1, 1), D(2027, 1, 3))
    assert year_source(2027) == workdays.ENTERED
    assert not is_workday(D(2027, 1, 1))
    assert is_workday(D(2027, 1, 4)) and not is_workday(D(2027, 1, 9))  # the rest of the year: Mon–Fri


def test_an_entered_make_up_saturday_is_a_working_day(world):
    enter_holidays(world, D(2027, 2, 6), kind=WORK, name="测试调休")
    assert is_workday(D(2027, 2, 6)) and not is_workday(D(2027, 2, 7))


def test_an_entered_year_overrides_the_package_entirely(world):
    assert not is_workday(D(2026, 2, 16)) and is_workday(D(2026, 2, 14))  # the package's 春节 2026
    result = enter_holidays(world, D(2026, 3, 2), name="测试")
    assert any("2026年原由chinesecalendar提供" in w for w in result.warnings)
    assert year_source(2026) == workdays.ENTERED
    assert not is_workday(D(2026, 3, 2))
    assert is_workday(D(2026, 2, 16))  # no longer the package's holiday: a Monday
    assert not is_workday(D(2026, 2, 14))  # no longer the package's make-up Saturday
    assert is_workday(D(2025, 10, 9)) and not is_workday(D(2025, 10, 1))  # other years keep the package


def test_a_dispute_ladder_crossing_new_year_2027(world):
    """Found Wednesday 2026-12-30, 四级七天: Mon–Fri fallback vs. after 2027-01-01 is entered as 放假."""
    on_31st = dispute_found_on(world, D(2026, 12, 31))
    d = dispute_found_on(world, D(2026, 12, 30))
    assert d.due_on == D(2026, 12, 31)  # 1 working day: inside 2026, the package's year
    assert d.overall_due_on == D(2027, 1, 8)  # 12-31, 1-1 (Friday, unknown), 1-4 … 1-8
    assert on_31st.due_on == D(2027, 1, 1)
    enter_holidays(world, D(2027, 1, 1), D(2027, 1, 3))
    assert add_workdays(D(2026, 12, 30), 7) == D(2027, 1, 11)
    d.refresh_from_db()
    assert d.overall_due_on == D(2027, 1, 8)  # stored at save time: entering a year moves nothing by itself
    later = dispute_found_on(world, D(2026, 12, 30))
    assert later.overall_due_on == D(2027, 1, 11)  # a new entry uses the entered days at once


def test_no_query_per_day_asked(world, django_assert_max_num_queries):
    enter_holidays(world, D(2027, 1, 1), D(2027, 1, 3))
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
    with captured_sql() as sqls:
        add_workdays(D(2027, 1, 1), 300)
    assert len(sqls) == 1 and "holidaystamp" in sqls[0].lower()


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
    enter_holidays(world, D(2027, 1, 1))
    assert HolidayStamp.objects.get().version == version + 1
    assert not is_workday(D(2027, 1, 1))
    Holiday.objects.all().delete()  # behind the services' back: the table still holds the day…
    assert not is_workday(D(2027, 1, 1))
    workdays.clear_cache()  # …until the cache is cleared
    assert is_workday(D(2027, 1, 1))
