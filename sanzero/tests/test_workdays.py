"""Working-day and deadline arithmetic (sanzero.workdays) with the package's calendar (no entered
days: the database is only asked whether any were entered; sanzero/tests/test_holiday_*.py enter some).

Holiday facts below were checked against chinesecalendar 1.11.0:
- 国庆+中秋 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are make-up workdays.
- 春节 2026: 15–23 February off (Sunday to Monday); Saturdays 14 and 28 February are make-up workdays.
"""

import logging
from datetime import date, timedelta

import pytest

from sanzero import workdays
from sanzero.workdays import (
    add_days,
    add_workdays,
    days_overdue,
    deadline_colour,
    is_workday,
    workdays_between,
)

pytestmark = pytest.mark.django_db


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# --- 国庆/中秋 2025 ---------------------------------------------------------------


def test_national_day_2025_is_off_from_1_to_8_october():
    for day in days(date(2025, 10, 1), date(2025, 10, 8)):
        assert not is_workday(day), day
    assert is_workday(date(2025, 9, 30))
    assert is_workday(date(2025, 10, 9))


def test_national_day_2025_make_up_workdays():
    assert is_workday(date(2025, 9, 28))  # Sunday, 调休上班
    assert is_workday(date(2025, 10, 11))  # Saturday, 调休上班
    assert not is_workday(date(2025, 9, 27))  # ordinary Saturday
    assert not is_workday(date(2025, 10, 12))  # ordinary Sunday


def test_dispute_found_before_national_day_is_due_after_it():
    assert add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert add_workdays(date(2025, 9, 30), 2) == date(2025, 10, 10)
    assert add_workdays(date(2025, 9, 30), 3) == date(2025, 10, 11)  # make-up Saturday counts
    assert add_workdays(date(2025, 9, 30), 4) == date(2025, 10, 13)


def test_add_workdays_counts_a_make_up_sunday():
    assert add_workdays(date(2025, 9, 26), 1) == date(2025, 9, 28)  # Fri → make-up Sun
    assert add_workdays(date(2025, 9, 26), 2) == date(2025, 9, 29)


def test_four_level_seven_day_ladder_across_national_day():
    # 四级七天: 1 + 2 + 2 + 2 working days from Friday 2025-09-26.
    # Working days: 28 (make-up Sun), 29, 30 Sep; 9, 10, 11 (make-up Sat), 13 Oct.
    due = date(2025, 9, 26)
    level_dues = []
    for limit in (1, 2, 2, 2):
        due = add_workdays(due, limit)
        level_dues.append(due)
    assert level_dues == [date(2025, 9, 28), date(2025, 9, 30), date(2025, 10, 10), date(2025, 10, 13)]
    assert add_workdays(date(2025, 9, 26), 7) == date(2025, 10, 13)


def test_add_workdays_zero_is_start_even_on_a_holiday():
    assert add_workdays(date(2025, 10, 3), 0) == date(2025, 10, 3)


def test_add_workdays_rejects_negative():
    with pytest.raises(ValueError):
        add_workdays(date(2025, 10, 3), -1)


def test_add_workdays_few_hundred_days():
    start = date(2025, 1, 2)
    due = add_workdays(start, 240)
    assert workdays_between(start, due) == 240
    assert is_workday(due)


def test_workdays_between_national_day():
    # After 30 Sep up to 12 Oct: 9, 10, 11 October.
    assert workdays_between(date(2025, 9, 30), date(2025, 10, 12)) == 3
    # After 26 Sep up to 30 Sep: 28 (make-up Sunday), 29, 30.
    assert workdays_between(date(2025, 9, 26), date(2025, 9, 30)) == 3


def test_workdays_between_is_zero_when_end_not_after_start():
    assert workdays_between(date(2025, 10, 9), date(2025, 10, 9)) == 0
    assert workdays_between(date(2025, 10, 9), date(2025, 10, 1)) == 0


# --- 春节 2026 --------------------------------------------------------------------


def test_spring_festival_2026_is_off_from_15_to_23_february():
    for day in days(date(2026, 2, 15), date(2026, 2, 23)):
        assert not is_workday(day), day
    assert is_workday(date(2026, 2, 13))
    assert is_workday(date(2026, 2, 24))


def test_spring_festival_2026_make_up_saturdays():
    assert is_workday(date(2026, 2, 14))  # Saturday, 调休上班
    assert is_workday(date(2026, 2, 28))  # Saturday, 调休上班
    assert not is_workday(date(2026, 2, 7))  # ordinary Saturday
    assert not is_workday(date(2026, 3, 1))  # ordinary Sunday


def test_spring_festival_2026_deadlines():
    assert add_workdays(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_workdays(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert add_workdays(date(2026, 2, 13), 2) == date(2026, 2, 24)
    # 14, 24, 25, 26, 27, 28 February.
    assert workdays_between(date(2026, 2, 13), date(2026, 3, 1)) == 6


# --- ordinary weekend ------------------------------------------------------------


def test_weekend_without_holidays():
    assert is_workday(date(2025, 11, 14))  # Friday
    assert not is_workday(date(2025, 11, 15))  # Saturday
    assert not is_workday(date(2025, 11, 16))  # Sunday
    assert is_workday(date(2025, 11, 17))  # Monday
    assert add_workdays(date(2025, 11, 14), 1) == date(2025, 11, 17)
    assert workdays_between(date(2025, 11, 14), date(2025, 11, 16)) == 0


# --- fallback for years the package does not know --------------------------------


@pytest.fixture
def fresh_cache():
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def test_unknown_year_falls_back_to_weekdays_and_warns_once(fresh_cache, caplog):
    caplog.set_level(logging.WARNING, logger="sanzero.workdays")
    assert is_workday(date(2099, 1, 1))  # Thursday; 元旦 unknown, so a workday
    assert is_workday(date(2099, 1, 2))  # Friday
    assert not is_workday(date(2099, 1, 3))  # Saturday
    assert not is_workday(date(2099, 1, 4))  # Sunday
    assert add_workdays(date(2099, 1, 2), 1) == date(2099, 1, 5)
    assert workdays_between(date(2099, 1, 1), date(2099, 3, 31)) > 0

    warnings = [r for r in caplog.records if r.name == "sanzero.workdays" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "2099" in warnings[0].getMessage()


# --- calendar days (日) -----------------------------------------------------------


def test_add_days_plain():
    assert add_days(date(2025, 9, 21), 10) == date(2025, 10, 1)
    assert add_days(date(2025, 10, 2), 10) == date(2025, 10, 12)


def test_add_days_rolls_past_a_holiday_to_the_next_workday():
    assert add_days(date(2025, 9, 21), 10, roll_to_workday=True) == date(2025, 10, 9)
    assert add_days(date(2025, 10, 2), 10, roll_to_workday=True) == date(2025, 10, 13)  # Sunday → Monday
    assert add_days(date(2026, 1, 17), 30, roll_to_workday=True) == date(2026, 2, 24)  # 16 Feb → after 春节


def test_add_days_does_not_roll_from_a_make_up_workday():
    assert add_days(date(2025, 9, 18), 10, roll_to_workday=True) == date(2025, 9, 28)
    assert add_days(date(2025, 10, 1), 10, roll_to_workday=True) == date(2025, 10, 11)


# --- deadline colours and overdue days -------------------------------------------

TODAY = date(2025, 10, 9)


@pytest.mark.parametrize(
    ("due", "done", "colour"),
    [
        (date(2025, 10, 8), False, "red"),  # overdue
        (date(2025, 10, 9), False, "yellow"),  # due today
        (date(2025, 10, 12), False, "yellow"),  # due in 3 days
        (date(2025, 10, 13), False, ""),  # due in 4 days
        (date(2025, 10, 8), True, ""),  # done, even though past due
        (date(2025, 10, 9), True, ""),  # done
        (None, False, ""),  # no due date
    ],
)
def test_deadline_colour(due, done, colour):
    assert deadline_colour(due, TODAY, done=done) == colour


def test_deadline_colour_warn_days_is_configurable():
    assert deadline_colour(date(2025, 10, 14), TODAY, warn_days=5) == "yellow"
    assert deadline_colour(date(2025, 10, 10), TODAY, warn_days=0) == ""


def test_days_overdue():
    assert days_overdue(date(2025, 10, 1), TODAY) == 8
    assert days_overdue(date(2025, 10, 8), TODAY) == 1
    assert days_overdue(TODAY, TODAY) == 0
    assert days_overdue(date(2025, 10, 20), TODAY) == 0
    assert days_overdue(None, TODAY) == 0
