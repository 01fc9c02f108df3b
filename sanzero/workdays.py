"""Working-day (工作日) and deadline (期限) arithmetic for the ledgers.

Working days follow the official Chinese public-holiday calendar (法定节假日) including the
make-up workdays (调休上班) that fall on a Saturday or Sunday. For each year the first of these
sources that has the year decides:

1. the days the county entered (``sanzero.models.Holiday``, the 节假日安排 page or
   ``import_xlsx holidays``): an entered year overrides the package entirely: its 放假 days are
   rest, its 调休上班 days are work, every other day is Monday–Friday;
2. the `chinesecalendar` package (import name `chinese_calendar`, 2004–2026 in 1.11.0);
3. Monday–Friday, with one logged warning per year, so a missing year shows up in the logs and,
   through :func:`uncovered_years`, as a warning on every page that shows such a deadline.

The entered days: cache and invalidation across processes
---------------------------------------------------------
Each process (gunicorn worker, Celery worker, a command) keeps the whole entered table in memory
(a few dozen rows a year) with the answers it has computed, loaded in one query the first time it
is needed. Every change of the table goes through ``sanzero.holidays.services``, which bumps the
one-row :class:`~sanzero.models.HolidayStamp` in the same transaction and drops this process's
table at once. Before using its table a process reads the stamp again when it last did so more
than ``SANZERO_HOLIDAY_CHECK_SECONDS`` (default 5) seconds ago: one indexed one-row query, and a
reload only when the version moved. So another process sees a change within a few seconds, and a
computation never queries per day: :func:`add_workdays` and friends check the table once per call,
not per day asked.

Why a row in the database rather than Django's cache: it works the same in every setup (the
embedded default has a per-process local-memory cache, which a command in another process could
not invalidate), it commits or rolls back with the change itself (a stamp bumped by a transaction
that then fails never appears), and it cannot be evicted. The stamp is read before the rows, so a
process that raced a change reloads at its next check. :func:`clear_cache` forgets everything
(tests; after upgrading the package).

Colours follow DESIGN.md §6: overdue (逾期) items are red, items due within 3 days yellow.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

logger = logging.getLogger("sanzero.workdays")

# Years for which the Monday–Friday fallback has already been logged.
_warned_years: set[int] = set()

RED = "red"
YELLOW = "yellow"

#: where a year's working days come from (:func:`year_source`)
ENTERED = "entered"
PACKAGE = "package"
NONE = "none"
SOURCE_LABELS = {ENTERED: "已录入", PACKAGE: "chinesecalendar", NONE: "未录入（按周一至周五）"}

DEFAULT_CHECK_SECONDS = 5.0
PACKAGE_VERSION = getattr(chinese_calendar, "__version__", "")


@dataclass
class _Table:
    """The entered days as one process knows them, and the stamp version they were loaded under."""

    version: int
    checked_at: float
    days: dict[date, bool]  # entered day → is a working day (调休上班 True, 放假 False)
    years: frozenset[int]
    answers: dict[date, bool] = field(default_factory=dict)


_table: _Table | None = None


def _check_seconds() -> float:
    from django.conf import settings

    return float(getattr(settings, "SANZERO_HOLIDAY_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))


def _stamp_version() -> int:
    from .models import HolidayStamp

    return HolidayStamp.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def _load(version: int, now: float) -> _Table:
    from .models import Holiday, HolidayKind

    days = {day: kind == HolidayKind.WORK for day, kind in Holiday.objects.values_list("date", "kind")}
    return _Table(version=version, checked_at=now, days=days, years=frozenset(d.year for d in days))


def _current() -> _Table:
    """This process's table, re-checked against the stamp at most every few seconds."""
    global _table
    table = _table
    now = time.monotonic()
    if table is not None and now - table.checked_at < _check_seconds():
        return table
    version = _stamp_version()  # before the rows: a change racing the load is caught next time
    if table is not None and table.version == version:
        table.checked_at = now
        return table
    table = _table = _load(version, now)
    return table


def invalidate() -> None:
    """Drop this process's table (the services call it after a change; others see the stamp)."""
    global _table
    _table = None


def clear_cache() -> None:
    """Forget the entered table, cached answers and warned years (tests, or after upgrading the package)."""
    invalidate()
    _warned_years.clear()
    package_covers.cache_clear()


@lru_cache(maxsize=256)
def package_covers(year: int) -> bool:
    """Whether the installed chinesecalendar has the year's official arrangements."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _compute(day: date, table: _Table) -> bool:
    if day.year in table.years:
        entered = table.days.get(day)
        return day.weekday() < 5 if entered is None else entered
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # Neither entered nor in the package: plain Monday–Friday (周一至周五).
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            logger.warning(
                "No holiday data for %s (not entered, not in chinesecalendar %s); using Monday-Friday as "
                "working days. Enter the year on the 节假日安排 page or upgrade the chinesecalendar package.",
                day.year,
                PACKAGE_VERSION,
            )
        return day.weekday() < 5


def _is_workday(table: _Table, day: date) -> bool:
    answer = table.answers.get(day)
    if answer is None:
        answer = table.answers[day] = _compute(day, table)
    return answer


def is_workday(day: date) -> bool:
    """True if `day` is a working day (工作日): a weekday that is not a public holiday,
    or a weekend day that is a make-up workday (调休上班)."""
    return _is_workday(_current(), day)


def year_source(year: int) -> str:
    """ENTERED, PACKAGE or NONE: which source decides the year's working days."""
    if year in _current().years:
        return ENTERED
    return PACKAGE if package_covers(year) else NONE


def entered_years() -> frozenset[int]:
    return _current().years


def uncovered_years(dates: Iterable[date | None]) -> list[int]:
    """The years of `dates` (None ignored) that neither the county entered nor the package knows,
    sorted: their deadlines are Monday–Friday. No query at all when every year is in the package."""
    years = {d.year for d in dates if d is not None}
    candidates = {y for y in years if not package_covers(y)}
    if not candidates:
        return []
    entered = _current().years
    return sorted(y for y in candidates if y not in entered)


def add_workdays(start: date, n: int) -> date:
    """The date `n` working days after `start` (start itself not counted; n=0 gives start).

    E.g. a dispute found on 2025-09-30 with a 1-working-day limit is due 2025-10-09, after the
    国庆/中秋 holiday of 1–8 October 2025.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    table = _current()
    day = start
    one = timedelta(days=1)
    while n:
        day += one
        if _is_workday(table, day):
            n -= 1
    return day


def workdays_between(start: date, end: date) -> int:
    """Number of working days after `start` up to and including `end` (0 if end <= start)."""
    table = _current()
    one = timedelta(days=1)
    count = 0
    day = start + one
    while day <= end:
        count += _is_workday(table, day)
        day += one
    return count


def add_days(start: date, n: int, *, roll_to_workday: bool = False) -> date:
    """`start` plus `n` calendar days (日).

    With `roll_to_workday`, a deadline that ends on a rest day (休息日/法定节假日) moves to the next
    working day, as the 民法典 rules on 期间 (第203条) require.
    """
    day = start + timedelta(days=n)
    if roll_to_workday:
        table = _current()
        while not _is_workday(table, day):
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
