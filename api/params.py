"""The query parameters the API reads, each refused with a Chinese 400 when malformed (never a 500), and
a region outside the caller's scope answered 404 like the web pages."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware
from rest_framework.exceptions import ParseError

from sanzero.validators import parse_bounded_int
from units.models import Region, parse_region_code

TRUE, FALSE = {"true", "1", "yes", "是"}, {"false", "0", "no", "否"}


def _raw(request, name: str) -> str:
    value = request.query_params.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def region(request, name: str = "region") -> Region | None:
    raw = _raw(request, name)
    if not raw:
        return None
    code = parse_region_code(raw)
    if code is None:
        raise ParseError(f"参数 {name} 应为区划代码（数字）。")
    return get_object_or_404(Region.objects.for_user(request.user), code=code)


def month(request, name: str = "month") -> datetime.date | None:
    raw = _raw(request, name)
    if not raw:
        return None
    try:
        return datetime.datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        raise ParseError(f"参数 {name} 应为 YYYY-MM 格式的月份，如 2026-03。") from None


def flag(request, name: str) -> bool | None:
    raw = _raw(request, name).lower()
    if not raw:
        return None
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise ParseError(f"参数 {name} 应为 true 或 false。")


def choice(request, name: str, choices) -> str | None:
    raw = _raw(request, name)
    if not raw:
        return None
    if raw not in choices:
        raise ParseError(f"参数 {name} 应为以下之一：{'、'.join(choices)}。")
    return raw


def date(request, name: str) -> datetime.date | None:
    raw = _raw(request, name)
    if not raw:
        return None
    try:
        value = parse_date(raw)
    except ValueError:
        value = None
    if value is None:
        raise ParseError(f"参数 {name} 应为 YYYY-MM-DD 格式的日期。")
    return value


def moment(request, name: str) -> datetime.datetime | None:
    """An ISO date-time (a date alone is its midnight, Asia/Shanghai)."""
    raw = _raw(request, name)
    if not raw:
        return None
    try:
        value = parse_datetime(raw) or (
            datetime.datetime.combine(parse_date(raw), datetime.time()) if parse_date(raw) else None
        )
    except ValueError:
        value = None
    if value is None:
        raise ParseError(f"参数 {name} 应为 ISO 8601 格式的时间，如 2026-03-01T08:00:00+08:00。")
    return make_aware(value) if is_naive(value) else value


def pk(request, name: str) -> int | None:
    raw = _raw(request, name)
    if not raw:
        return None
    value = parse_bounded_int(raw, low=1)
    if value is None:
        raise ParseError(f"参数 {name} 应为正整数。")
    return value
