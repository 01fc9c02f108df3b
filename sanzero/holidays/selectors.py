"""Reads for the 节假日安排 page and for the warning shown beside deadlines of uncovered years."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

import chinese_calendar
from django.urls import reverse

from sanzero import workdays
from sanzero.audit import ACTION_LABELS, AuditEntry
from sanzero.models import Holiday, HolidayKind
from sanzero.scoping import user_may

from .services import weekday_label

#: chinesecalendar's holiday names in Chinese
PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass
class Day:
    date: datetime.date
    kind: str
    name: str
    pk: int | None = None

    @property
    def weekday(self) -> str:
        return weekday_label(self.date)

    @property
    def is_rest(self) -> bool:
        return self.kind == HolidayKind.REST

    @property
    def odd(self) -> bool:
        """A make-up workday on a weekday (a rest day on a weekend is normal inside a holiday)."""
        return self.kind == HolidayKind.WORK and self.date.weekday() < 5


@dataclass
class Group:
    name: str
    days: list[Day] = field(default_factory=list)

    @property
    def rest(self) -> list[Day]:
        return [d for d in self.days if d.is_rest]

    @property
    def work(self) -> list[Day]:
        return [d for d in self.days if not d.is_rest]

    @property
    def rest_text(self) -> str:
        return spans_text([d.date for d in self.rest])

    @property
    def work_text(self) -> str:
        return spans_text([d.date for d in self.work])


def spans_text(days: list[datetime.date]) -> str:
    """1月1日至3日、1月5日 (consecutive days joined), or — when there are none."""
    if not days:
        return "—"
    days = sorted(days)
    spans: list[list[datetime.date]] = [[days[0], days[0]]]
    for day in days[1:]:
        if (day - spans[-1][1]).days == 1:
            spans[-1][1] = day
        else:
            spans.append([day, day])
    parts = []
    for first, last in spans:
        text = f"{first.month}月{first.day}日"
        if last != first:
            text += f"至{'' if last.month == first.month else f'{last.month}月'}{last.day}日"
        parts.append(text)
    return "、".join(parts) + f"（共{len(days)}天）"


def group_days(days: Iterable[Day]) -> list[Group]:
    """Days grouped by holiday name, in the order of their first rest day (of their first day when
    they have none): 国庆节 after 中秋节 when its make-up Sunday comes first."""
    groups: dict[str, Group] = {}
    for day in sorted(days, key=lambda d: d.date):
        groups.setdefault(day.name, Group(day.name)).days.append(day)
    return sorted(groups.values(), key=lambda g: (g.rest or g.days)[0].date)


def entered_days(year: int) -> list[Day]:
    return [Day(h.date, h.kind, h.name, h.pk) for h in Holiday.objects.filter(date__year=year).order_by("date")]


def package_days(year: int) -> list[Day]:
    """The package's official days of the year (rest days of a holiday and its make-up workdays)."""
    if not workdays.package_covers(year):
        return []
    out = []
    day, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    while day <= last:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if name is not None:
            out.append(Day(day, HolidayKind.REST if on_holiday else HolidayKind.WORK, PACKAGE_NAMES.get(name, name)))
        day += datetime.timedelta(days=1)
    return out


def offered_years(today: datetime.date, selected: int) -> list[int]:
    """The year tabs: this year, next year, every entered year and the one asked for."""
    return sorted({today.year, today.year + 1, selected, *workdays.entered_years()})


def recent_changes(year: int, limit: int = 30) -> list[AuditEntry]:
    """The audit records of the year's days, newest first (one query)."""
    records = (
        Holiday.history.filter(date__year=year)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    return [
        AuditEntry(
            rec.history_date,
            rec.history_user.display_name if rec.history_user else "系统",
            ACTION_LABELS.get(rec.history_type, rec.history_type),
            f"{rec.date:%Y-%m-%d}（{weekday_label(rec.date)}）{rec.name} {rec.kind}"
            + (f" · {rec.history_change_reason}" if rec.history_change_reason else ""),
        )
        for rec in records
    ]


def holiday_notice(user, dates: Iterable[datetime.date | None]) -> dict | None:
    """The warning for deadlines in years neither entered nor in the package (None: nothing to say).
    No query when every year of `dates` is in the package."""
    years = workdays.uncovered_years(dates)
    if not years:
        return None
    return {"years": years, "can_edit": user_may(user, Holiday, "change"), "url": reverse("holidays:index")}


def this_and_next_year(today: datetime.date | None = None) -> list[datetime.date]:
    from django.utils import timezone

    today = today or timezone.localdate()
    return [datetime.date(today.year, 1, 1), datetime.date(today.year + 1, 1, 1)]
