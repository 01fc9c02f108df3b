"""The query parameters every dashboard page (and the 报表 page) reads: ?region=CODE, ?month=YYYY-MM, ?year=YYYY.

A region outside the user's scope, or a code that cannot be one, answers 404 (never the region).
"""

from __future__ import annotations

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sanzero.validators import parse_bounded_int
from units.models import Region, parse_region_code
from units.selectors import default_region_for

from . import selectors


def parse_month(value: str | None) -> datetime.date | None:
    """ "2026-03" → 2026-03-01; anything else → None."""
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


def _param(request, name: str) -> str:
    return (request.GET.get(name) or request.POST.get(name) or "").strip()


def region_of(request) -> Region:
    """The chosen region (in the user's scope), else the user's own."""
    raw = _param(request, "region")
    if raw:
        code = parse_region_code(raw)
        if code is None:
            raise Http404
        return get_object_or_404(Region.objects.for_user(request.user), code=code)
    region = default_region_for(request.user)
    if region is None:
        raise Http404("您的账号尚未分配管辖区划。")
    return region


def month_of(request, region: Region) -> datetime.date:
    """The chosen month, else the region's latest computed month, else this month."""
    month = parse_month(_param(request, "month"))
    if month is None:
        month = selectors.latest_month(user=request.user, region=region) or timezone.localdate().replace(day=1)
    return month


def year_of(request) -> int:
    """The chosen year (2000–2100), else this year."""
    raw = _param(request, "year")
    if not raw:
        return timezone.localdate().year
    year = parse_bounded_int(raw, low=2000, high=2100)
    if year is None:
        raise Http404
    return year
