"""Working-day (工作日) and deadline (期限) arithmetic for the ledgers.

Working days follow the official Chinese public-holiday calendar (法定节假日) including the
make-up workdays (调休上班) that fall on a Saturday or Sunday; the data comes from the
`chinesecalendar` package (import name `chinese_calendar`). For a year the package does not
cover yet, we fall back to Monday–Friday and log one warning per year, so a stale package shows
up in the logs instead of silently breaking deadlines.

Colours follow DESIGN.md §6: overdue (逾期) items are red, items due within 3 days yellow.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

logger = logging.getLogger("sanzero.workdays")

# Years for which the Monday–Friday fallback has already been logged.
_warned_years: set[int] = set()

RED = "red"
YELLOW = "yellow"


@lru_cache(maxsize=8192)
def is_workday(day: date) -> bool:
    """True if `day` is a working day (工作日): a weekday that is not a public holiday,
    or a weekend day that is a make-up workday (调休上班)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # The package has no data for this year: plain Monday–Friday (周一至周五).
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            logger.warning(
                "chinese_calendar has no holiday data for %s; using Monday-Friday as working days. "
                "Upgrade the chinesecalendar package.",
                day.year,
            )
        return day.weekday() < 5


def clear_cache() -> None:
    """Forget cached answers and warned years (tests, or after upgrading the package)."""
    is_workday.cache_clear()
    _warned_years.clear()


def add_workdays(start: date, n: int) -> date:
    """The date `n` working days after `start` (start itself not counted; n=0 gives start).

    E.g. a dispute found on 2025-09-30 with a 1-working-day limit is due 2025-10-09, after the
    国庆/中秋 holiday of 1–8 October 2025.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    day = start
    one = timedelta(days=1)
    while n:
        day += one
        if is_workday(day):
            n -= 1
    return day


def workdays_between(start: date, end: date) -> int:
    """Number of working days after `start` up to and including `end` (0 if end <= start)."""
    one = timedelta(days=1)
    count = 0
    day = start + one
    while day <= end:
        count += is_workday(day)
        day += one
    return count


def add_days(start: date, n: int, *, roll_to_workday: bool = False) -> date:
    """`start` plus `n` calendar days (日).

    With `roll_to_workday`, a deadline that ends on a rest day (休息日/法定节假日) moves to the next
    working day, as the 民法典 rules on 期间 (第203条) require.
    """
    day = start + timedelta(days=n)
    if roll_to_workday:
        while not is_workday(day):
            day += timedelta(days=1)
    return day


def deadline_colour(due: date | None, today: date, *, done: bool = False, warn_days: int = 3) -> str:
    """Warning colour of a deadline (预警): "red" when overdue (逾期), "yellow" when due within
    `warn_days` days (today included), "" otherwise, when done (办结) or when there is no due date."""
    if done or due is None:
        return ""
    if today > due:
        return RED
    if (due - today).days <= warn_days:
        return YELLOW
    return ""


def days_overdue(due: date | None, today: date) -> int:
    """Calendar days past `due` (逾期天数); 0 when not overdue or no due date."""
    if due is None or today <= due:
        return 0
    return (today - due).days
