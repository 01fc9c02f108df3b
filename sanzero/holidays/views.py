"""节假日安排 (/settings/holidays/): the days the working days follow, per year; add a range, delete a
day or a year (after a confirmation page), recompute stored deadlines. Editors only: 系统管理员 and
县平安办 (the deadline rules' editors); anyone else 403, anonymous users the login page.

Thin views over sanzero.holidays.services and .selectors.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sanzero import workdays
from sanzero.models import Holiday
from sanzero.scoping import user_may
from sanzero.services import ServiceError
from sanzero.validators import parse_bounded_int

from . import selectors, services
from .forms import ConfirmForm, HolidayRangeForm, RecomputeForm

TITLE = "节假日安排"


def _editor(request) -> None:
    if not user_may(request.user, Holiday, "change"):
        raise PermissionDenied("只有县平安办和系统管理员可以查看和修改节假日安排。")


def year_url(year: int) -> str:
    return f"{reverse('holidays:index')}?year={year}"


def _year(request, today) -> int:
    year = parse_bounded_int(request.GET.get("year"), low=services.YEARS[0], high=services.YEARS[1])
    if year is not None:
        return year
    uncovered = workdays.uncovered_years(selectors.this_and_next_year(today))
    return uncovered[0] if uncovered else today.year


def index(request):
    _editor(request)
    today = timezone.localdate()
    status = 200
    if request.method == "POST":
        form = HolidayRangeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.holiday_range_add(
                    actor=request.user, start=data["start"], end=data["end"], kind=data["kind"], name=data["name"]
                )
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    "已录入"
                    + result.summary()
                    + (" 已登记台账的期限不会自动改变，需要时请点击“重新计算期限”。" if result.changed else ""),
                )
                for warning in result.warnings:
                    messages.warning(request, warning)
                return HttpResponseRedirect(year_url(data["start"].year))
        status = 400
        year = form.cleaned_data["start"].year if form.cleaned_data.get("start") else _year(request, today)
    else:
        form = HolidayRangeForm()
        year = _year(request, today)
    source = workdays.year_source(year)
    entered = selectors.entered_days(year)
    context = {
        "title": TITLE,
        "breadcrumbs": [("期限设置", reverse("deadline_settings")), (TITLE, None)],
        "form": form,
        "year": year,
        "years": selectors.offered_years(today, year),
        "today": today,
        "source": source,
        "source_labels": workdays.SOURCE_LABELS,
        "package_version": workdays.PACKAGE_VERSION,
        "groups": selectors.group_days(entered),
        "rest_count": sum(d.is_rest for d in entered),
        "work_count": sum(not d.is_rest for d in entered),
        "package_groups": selectors.group_days(selectors.package_days(year)) if source != workdays.NONE else [],
        "candidates": services.recompute_candidates(year),
        "names": services.COMMON_NAMES,
        "audit": selectors.recent_changes(year),
        "year_sources": {y: workdays.year_source(y) for y in selectors.offered_years(today, year)},
    }
    return render(request, "holidays/index.html", context, status=status)


def delete_day(request, pk: int):
    _editor(request)
    holiday = get_object_or_404(Holiday, pk=pk)
    back = year_url(holiday.date.year)
    if request.method == "POST":
        try:
            services.holiday_delete(actor=request.user, holiday=holiday)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"已删除{holiday.date:%Y-%m-%d}（{holiday.name}{holiday.kind}）。"
                "已登记台账的期限不会自动改变，需要时请点击“重新计算期限”。",
            )
        return HttpResponseRedirect(back)
    left = Holiday.objects.filter(date__year=holiday.date.year).count() - 1
    text = f"删除{services.day_text(holiday.date)}的“{holiday.name}{holiday.kind}”？删除后该日按周一至周五计算" + (
        "。"
        if left
        else f"；这是{holiday.date.year}年最后一个录入的日期，删除后该年不再算“已录入”，改按"
        + ("chinesecalendar计算。" if workdays.package_covers(holiday.date.year) else "周一至周五计算。")
    )
    return render(
        request,
        "holidays/confirm.html",
        {
            "title": "删除节假日安排",
            "confirm_text": text,
            "confirm_button": "删除",
            "cancel_url": back,
            "form": ConfirmForm(),
            "breadcrumbs": [(TITLE, back), ("删除", None)],
        },
    )


def delete_year(request, year: int):
    _editor(request)
    back = year_url(year)
    count = Holiday.objects.filter(date__year=year).count()
    if request.method == "POST":
        deleted = services.holiday_year_delete(actor=request.user, year=year)
        if deleted:
            messages.success(
                request, f"已删除{year}年录入的{deleted}天。已登记台账的期限不会自动改变，需要时请点击“重新计算期限”。"
            )
        else:
            messages.info(request, f"{year}年没有录入的日期。")
        return HttpResponseRedirect(back)
    fallback = "chinesecalendar的数据" if workdays.package_covers(year) else "周一至周五"
    return render(
        request,
        "holidays/confirm.html",
        {
            "title": f"删除{year}年节假日安排",
            "confirm_button": f"删除{year}年全部{count}天",
            "cancel_url": back,
            "confirm_text": f"删除{year}年录入的全部{count}天（放假和调休上班）？删除后该年的工作日按{fallback}计算。每一天的删除都会记入变更记录。",
            "form": ConfirmForm(),
            "breadcrumbs": [(TITLE, back), (f"删除{year}年", None)],
            "nothing": not count,
        },
    )


@require_POST
def recompute(request):
    _editor(request)
    form = RecomputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "年份不正确。")
        return HttpResponseRedirect(reverse("holidays:index"))
    year = form.cleaned_data["year"]
    result = services.deadlines_recompute(actor=request.user, year=year)
    messages.success(request, result.summary())
    return HttpResponseRedirect(year_url(year))
