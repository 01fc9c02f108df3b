"""The 报表 pages.

- 委员会报表 (/reports/): choose a month and a region in scope, download the committee report (.xlsx).
  County staff, administrators and township clerks may download it for their scope; department staff
  get the same report of the subjects they supervise (DepartmentMonth); grid workers get 403.
- 矛盾纠纷排查情况表 (/reports/paicha/): a township's (or the county's) monthly dispute table on the page
  and as .xlsx, with its due date (the 5th of the next month) and its 报送 (/reports/paicha/submit/).
  Township clerks, county staff and administrators; another township's is 404, other roles 403.
"""

from __future__ import annotations

import datetime
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dashboards import selectors
from dashboards.params import region_of
from disputes.services import month_report_submit
from sanzero.scoping import user_scope
from sanzero.services import ServiceError
from sanzero.xlsx.download import xlsx_response
from units.forms import RegionPickForm
from units.models import LEVEL_RANK, RegionLevel

from . import paicha as paicha_table
from .builder import REPORT_ROLES, ReportError, build_report, month_label, parse_month, report_filename

# regions offered in the picker: down to townships (a village's children are grids, without subjects)
PICKER_MAX_RANK = LEVEL_RANK[RegionLevel.TOWNSHIP]


def _require_role(request) -> None:
    if user_scope(request.user).role not in REPORT_ROLES:
        raise PermissionDenied("委员会报表只对县平安办、乡镇(街道)录入员、行业主管部门和系统管理员开放。")


def index(request):
    _require_role(request)
    region = region_of(request)
    months = selectors.available_months(region=region)
    month_value = (request.GET.get("month") or "").strip()
    error = ""
    if request.GET.get("download"):
        try:
            month = parse_month(month_value)
            buffer = io.BytesIO()
            data = build_report(
                user_or_none=request.user,
                region=region,
                month=month,
                stream_or_path=buffer,
                prepared_by=request.user.display_name,
            )
        except ReportError as exc:
            error = str(exc)
        else:
            return xlsx_response(
                buffer.getvalue(),
                filename=report_filename(region, month, data.department),
                fallback=f"sanzero-report-{region.code}-{month:%Y-%m}.xlsx",
            )
    if not month_value and months:
        month_value = f"{months[0]:%Y-%m}"
    levels = [level for level, rank in LEVEL_RANK.items() if rank <= PICKER_MAX_RANK]
    region_form = RegionPickForm(
        initial={"region": region.code}, user=request.user, levels=levels, label="区域", empty_label="请选择区域"
    )
    return render(
        request,
        "reports/index.html",
        {
            "title": "报表",
            "region": region,
            "region_form": region_form,
            "month_value": month_value,
            "error": error,
            "months": [{"value": f"{m:%Y-%m}", "label": month_label(m)} for m in months],
            "can_paicha": user_scope(request.user).role in paicha_table.PAICHA_ROLES,
        },
    )


# --- 矛盾纠纷排查情况表 ------------------------------------------------------------------------------------


def _require_paicha_role(request) -> None:
    if user_scope(request.user).role not in paicha_table.PAICHA_ROLES:
        raise PermissionDenied("矛盾纠纷排查情况表只对乡镇(街道)录入员、县平安办和系统管理员开放。")


def previous_month(today: datetime.date) -> datetime.date:
    """The month whose table is due next: last month."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _paicha_url(region, month: datetime.date) -> str:
    return f"{reverse('reports:paicha')}?{urlencode({'region': region.code, 'month': f'{month:%Y-%m}'})}"


@require_GET
def paicha(request):
    _require_paicha_role(request)
    region = region_of(request)  # out of scope: 404
    today = timezone.localdate()
    month_value = (request.GET.get("month") or "").strip()
    error = ""
    month = previous_month(today)
    if month_value:
        try:
            month = parse_month(month_value)
        except ReportError as exc:
            error = str(exc)
    table = None
    try:
        table = paicha_table.load_paicha(user=request.user, region=region, month=month, today=today)
    except ReportError as exc:
        error = error or str(exc)
    if table is not None and request.GET.get("download") and not error:
        buffer = io.BytesIO()
        paicha_table.write_paicha_xlsx(table, buffer, prepared_by=request.user.display_name, today=today)
        return xlsx_response(
            buffer.getvalue(), filename=table.filename, fallback=f"sanzero-paicha-{region.code}-{month:%Y-%m}.xlsx"
        )
    levels = [level for level, rank in LEVEL_RANK.items() if rank <= paicha_table.PAICHA_MAX_RANK]
    region_form = RegionPickForm(
        initial={"region": region.code}, user=request.user, levels=levels, label="区域", empty_label="请选择区域"
    )
    role = user_scope(request.user).role
    return render(
        request,
        "reports/paicha.html",
        {
            "title": paicha_table.TITLE_SUFFIX,
            "region": region,
            "region_form": region_form,
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "month_label": month_label(month),
            "error": error,
            "table": table,
            "groups": paicha_table.COLUMN_GROUPS,
            "rate_columns": paicha_table.RATE_COLUMNS,
            "can_submit": table is not None and table.due.month_over and role in paicha_table.PAICHA_ROLES,
            "breadcrumbs": [("报表", reverse("reports:index")), (paicha_table.TITLE_SUFFIX, "")],
        },
    )


@require_POST
def paicha_submit(request):
    """报送 the region's table of the month; back to the table with what happened."""
    _require_paicha_role(request)
    region = region_of(request)
    try:
        month = parse_month(request.POST.get("month"))
    except ReportError as exc:
        return HttpResponseBadRequest(str(exc))
    try:
        report = month_report_submit(actor=request.user, region=region, month=month)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        late = f"，逾期{report.late_days}天" if report.late_days else ""
        again = f"（第{report.times}次）" if report.times > 1 else ""
        messages.success(request, f"已报送{region.name}{month_label(month)}矛盾纠纷排查情况表{again}{late}。")
    return HttpResponseRedirect(_paicha_url(region, month))
