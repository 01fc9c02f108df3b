"""Writes of the 节假日安排 (the officially announced days the working days follow) and the
recomputation of the deadlines already stored on ledger entries.

Every function takes the acting user and refuses anyone but the deadline rules' editors (系统管理员,
县平安办). Each day written or deleted leaves its own audit record (simple-history, with a reason),
and every change bumps ``HolidayStamp`` in the same transaction, so every process computes with the
new days within seconds (see sanzero.workdays).

Deadlines are stored on the entries when they are saved; entering a year does not move them. That
is :func:`deadlines_recompute`'s job, run from the page's 重新计算期限 button or
``manage.py holidays --recompute``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from sanzero import workdays
from sanzero.models import DeadlineSettings, Holiday, HolidayKind, HolidayStamp
from sanzero.scoping import user_may
from sanzero.services import ServiceError, audited_save, full_clean, require

MAX_RANGE_DAYS = 31
YEARS = (2000, 2100)
NAME_MAX = 20
#: the holidays of the 国务院办公厅 notices, offered as the 名称 suggestions
COMMON_NAMES = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
RECOMPUTE_REASON = "节假日安排变更，重新计算期限"
ADD_REASON = "录入节假日安排"
WEEKDAY_NAMES = "一二三四五六日"


def weekday_label(day: datetime.date) -> str:
    return "周" + WEEKDAY_NAMES[day.weekday()]


def day_text(day: datetime.date) -> str:
    return f"{day:%Y-%m-%d}（{weekday_label(day)}）"


def days_text(days: Sequence[datetime.date], limit: int = 6) -> str:
    shown = "、".join(day_text(d) for d in days[:limit])
    return shown + (f"等{len(days)}天" if len(days) > limit else "")


def check_editor(actor) -> None:
    require(user_may(actor, Holiday, "change"), "只有县平安办和系统管理员可以修改节假日安排。")


def bump_stamp() -> None:
    """Mark the entered calendar as changed: this process drops its table now, the others at their
    next check of the stamp (which they see once this transaction commits)."""
    now = timezone.now()
    if not HolidayStamp.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now):
        HolidayStamp.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": now})
    workdays.invalidate()
    transaction.on_commit(workdays.invalidate)


def day_range(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


def check_range(start: datetime.date | None, end: datetime.date | None) -> list[str]:
    """The reasons a range of days cannot be entered at once (the form shows the same messages)."""
    if start is None or end is None:
        return []
    problems = []
    if end < start:
        problems.append("结束日期不能早于起始日期。")
    elif (end - start).days + 1 > MAX_RANGE_DAYS:
        problems.append(f"一次最多录入{MAX_RANGE_DAYS}天（本次为{(end - start).days + 1}天），请分段录入。")
    for day in (start, end):
        if not YEARS[0] <= day.year <= YEARS[1]:
            problems.append(f"日期应在{YEARS[0]}年至{YEARS[1]}年之间。")
            break
    return problems


def clean_name(name: str) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ServiceError("请填写名称，如“春节”。")
    if len(name) > NAME_MAX:
        raise ServiceError(f"名称最多{NAME_MAX}个字。")
    return name


def holiday_warnings(days: Sequence[datetime.date], kind: str) -> list[str]:
    """Oddities worth a second look, never a refusal: a make-up workday on a weekday, rest days that
    are all weekend days anyway, a year the package covers that this entry turns into an entered one."""
    warnings = []
    if kind == HolidayKind.WORK:
        weekdays = [d for d in days if d.weekday() < 5]
        if weekdays:
            warnings.append(f"{days_text(weekdays)}本来就是工作日；调休上班一般在周六或周日，请核对。")
    elif days and all(d.weekday() >= 5 for d in days):
        warnings.append(f"所录放假日期{days_text(list(days))}均为周六、周日，本来就是休息日，请核对。")
    entered = workdays.entered_years()
    for year in sorted({d.year for d in days}):
        if year not in entered and workdays.package_covers(year):
            warnings.append(
                f"{year}年原由chinesecalendar提供节假日安排；录入后该年完全以录入的日期为准，chinesecalendar的"
                f"{year}年数据不再使用。请录入该年全部放假和调休上班日期。"
            )
    return warnings


@dataclass
class RangeResult:
    kind: str
    name: str
    created: list[datetime.date] = field(default_factory=list)
    updated: list[datetime.date] = field(default_factory=list)
    unchanged: list[datetime.date] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        total = len(self.created) + len(self.updated) + len(self.unchanged)
        parts = [
            f"{label}{len(days)}天"
            for label, days in (("新增", self.created), ("修改名称", self.updated), ("已录入、未变化", self.unchanged))
            if days
        ]
        return f"{self.name}{self.kind}共{total}天：{'，'.join(parts)}。"


def holiday_range_add(*, actor, start: datetime.date, end: datetime.date | None, kind: str, name: str) -> RangeResult:
    """Enter the days start..end (at most 31) as one kind of one holiday.

    A day already entered with the other kind refuses the whole range (a day cannot be both: delete it
    first); a day already entered with the same kind takes the new name."""
    check_editor(actor)
    end = end or start
    problems = check_range(start, end)
    if problems:
        raise ServiceError(problems[0])
    if kind not in HolidayKind.values:
        raise ServiceError("类型应为“放假”或“调休上班”。")
    name = clean_name(name)
    days = day_range(start, end)
    result = RangeResult(kind=kind, name=name)
    with transaction.atomic():
        existing = {h.date: h for h in Holiday.objects.select_for_update().filter(date__range=(start, end))}
        clashes = [h for h in existing.values() if h.kind != kind]
        if clashes:
            first = min(clashes, key=lambda h: h.date)
            raise ServiceError(
                f"{days_text([h.date for h in sorted(clashes, key=lambda h: h.date)])}已录入为“{first.kind}”"
                f"（{first.name}），同一天不能既放假又调休上班。如需更改，请先删除这些日期。"
            )
        result.warnings = holiday_warnings(days, kind)
        for day in days:
            holiday = existing.get(day)
            if holiday is None:
                holiday = Holiday(date=day, kind=kind, name=name)
                full_clean(holiday)
                audited_save(holiday, actor=actor, reason=ADD_REASON)
                result.created.append(day)
            elif holiday.name != name:
                old = holiday.name
                holiday.name = name
                audited_save(
                    holiday, actor=actor, reason=f"修改节假日名称：{old} → {name}", update_fields=["name", "updated_at"]
                )
                result.updated.append(day)
            else:
                result.unchanged.append(day)
        if result.changed:
            bump_stamp()
    return result


def holidays_import(*, actor, rows: Iterable[tuple[datetime.date, str, str]], reason: str) -> int:
    """Upsert (date, kind, name) rows (the Excel import): a date already entered takes the row's kind
    and name. Returns the number of days written; one stamp bump for all of them."""
    check_editor(actor)
    rows = list(rows)
    written = 0
    with transaction.atomic():
        existing = {h.date: h for h in Holiday.objects.select_for_update().filter(date__in=[r[0] for r in rows])}
        for day, kind, name in rows:
            holiday = existing.get(day)
            if holiday is None:
                holiday = Holiday(date=day, kind=kind, name=clean_name(name))
                full_clean(holiday)
                audited_save(holiday, actor=actor, reason=reason)
            elif (holiday.kind, holiday.name) != (kind, name):
                holiday.kind, holiday.name = kind, clean_name(name)
                full_clean(holiday)
                audited_save(holiday, actor=actor, reason=reason, update_fields=["kind", "name", "updated_at"])
            else:
                continue
            written += 1
        if written:
            bump_stamp()
    return written


def _audited_delete(holiday: Holiday, *, actor, reason: str) -> None:
    holiday._history_user = actor if getattr(actor, "is_authenticated", False) else None
    holiday._change_reason = reason
    holiday.delete()


def holiday_delete(*, actor, holiday: Holiday) -> None:
    check_editor(actor)
    with transaction.atomic():
        if not Holiday.objects.select_for_update().filter(pk=holiday.pk).exists():
            raise ServiceError("该日期已被删除。")
        _audited_delete(holiday, actor=actor, reason="删除节假日安排")
        bump_stamp()


def holiday_year_delete(*, actor, year: int) -> int:
    """Delete every entered day of the year (each one audited): the year falls back to the package,
    or to Monday–Friday. Returns the number of days deleted."""
    check_editor(actor)
    with transaction.atomic():
        days = list(Holiday.objects.select_for_update().filter(date__year=year).order_by("date"))
        for holiday in days:
            _audited_delete(holiday, actor=actor, reason=f"删除{year}年节假日安排")
        if days:
            bump_stamp()
    return len(days)


# -- recomputing stored deadlines -------------------------------------------------------------------


def ledger_models() -> list[type]:
    """Models with stored deadlines (the ledgers): they declare DEADLINE_FIELDS and recompute them.
    Found by that shape, so the kernel imports no ledger code."""
    return [m for m in apps.get_models() if getattr(m, "DEADLINE_FIELDS", None) and hasattr(m, "recomputed_deadlines")]


def _candidates(model, year: int):
    """Open entries whose stored deadlines the year's days can move: registered by the year's end,
    with a deadline on or after its first day (a deadline is counted forward from the entry's date)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    reaches = Q()
    for name in model.DEADLINE_FIELDS:
        reaches |= Q(**{f"{name}__gte": start})
    return model.objects.open().filter(reaches, **{f"{model.DATE_FIELD}__lte": end})


def recompute_candidates(year: int) -> int:
    """How many open entries :func:`deadlines_recompute` would look at (one count per ledger)."""
    return sum(_candidates(model, year).count() for model in ledger_models())


@dataclass
class RecomputeResult:
    year: int
    checked: int = 0
    changed: int = 0
    by_ledger: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        detail = "、".join(f"{label}{n}件" for label, n in self.by_ledger.items() if n)
        return (
            f"已按{self.year}年节假日安排重新计算期限：检查未办结台账{self.checked}件，期限变更{self.changed}件"
            + (f"（{detail}）" if detail else "")
            + "。"
        )


def _differences(obj, rules, context) -> dict:
    return {
        name: value for name, value in obj.recomputed_deadlines(rules, context).items() if getattr(obj, name) != value
    }


def deadlines_recompute(*, actor, year: int) -> RecomputeResult:
    """Recompute the stored deadlines of every ledger's open entries the year's days can move, with
    the current calendar and deadline rules; save and audit only the entries whose deadline moved
    (reason “节假日安排变更，重新计算期限”, a new version so an edit form opened before is refused).
    Running it again changes nothing."""
    check_editor(actor)
    rules = DeadlineSettings.current()
    result = RecomputeResult(year=year)
    for model in ledger_models():
        context = model.deadline_context()
        label = str(model._meta.verbose_name)
        moved = 0
        for obj in list(_candidates(model, year).order_by("pk")):
            result.checked += 1
            if not _differences(obj, rules, context):
                continue
            with transaction.atomic():
                locked = model.objects.select_for_update().filter(pk=obj.pk).first()
                if locked is None or not locked.is_open:
                    continue
                changes = _differences(locked, rules, context)
                if not changes:
                    continue
                for name, value in changes.items():
                    setattr(locked, name, value)
                locked.version += 1
                audited_save(
                    locked, actor=actor, reason=RECOMPUTE_REASON, update_fields=[*changes, "version", "updated_at"]
                )
            moved += 1
        result.by_ledger[label] = moved
        result.changed += moved
    return result
