"""The 报表 page: choose a month and a region in scope, download the committee report (.xlsx).

County staff, administrators and township clerks may download it for their scope; department staff
get the same report of the subjects they supervise (DepartmentMonth); grid workers get 403.
"""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from dashboards import selectors
from dashboards.params import region_of
from sanzero.scoping import user_scope
from sanzero.xlsx.download import xlsx_response
from units.forms import RegionPickForm
from units.models import LEVEL_RANK, RegionLevel

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
        },
    )
