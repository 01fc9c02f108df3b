"""一张图: the map page of the user's scope and the JSON it draws (atlas.selectors)."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from dashboards.models import GROUP_CHOICES, Period
from dashboards.params import month_of, region_of
from dashboards.selectors import available_months
from sanzero.validators import parse_bounded_int
from units.selectors import visible_ancestors

from . import selectors


def _filters(request):
    region = region_of(request)  # a region outside the scope (or no code at all) is 404
    month = month_of(request, region)
    return region, selectors.MapFilters.from_query(request.GET, month)


def _focus(request) -> int | None:
    return parse_bounded_int(request.GET.get("subject", ""), low=1)


@require_GET
def map_page(request):
    region, filters = _filters(request)
    query = {"region": region.code, **filters.query()}
    focus = _focus(request)
    if focus:
        query["subject"] = str(focus)
    months = available_months(region=region)
    if filters.month not in months:
        months = [filters.month, *months]
    context = {
        "title": "一张图",
        "region": region,
        "ancestors": visible_ancestors(request.user, region),
        "filters": filters,
        "month_value": f"{filters.month:%Y-%m}",
        "months": months,
        "zeros": list(selectors.ZEROS.items()),
        "zero_label": selectors.ZEROS[filters.zero],
        "groups": [(value, label) for value, label in GROUP_CHOICES if value != "all"],
        "periods": list(Period.choices),
        "data_url": f"{reverse('atlas:map_data')}?{urlencode(query)}",
        "base_query": urlencode({k: v for k, v in query.items() if k not in ("region", "subject")}),
    }
    return render(request, "atlas/map.html", context)


@require_GET
def map_data(request):
    region, filters = _filters(request)
    data = selectors.map_data(user=request.user, region=region, filters=filters, focus=_focus(request))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
    response["Cache-Control"] = "private, no-store"
    return response
