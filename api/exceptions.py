"""The API's errors as JSON with a Chinese ``detail``, whatever the caller's Accept-Language."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler

MESSAGES = {
    exceptions.NotAuthenticated: "需要接口令牌：请在请求头中提供 Authorization: Bearer <令牌>。",
    exceptions.NotFound: "未找到该记录，或不在您的管辖范围内。",
    exceptions.PermissionDenied: "您的角色不能读取该数据。",
}


def handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.MethodNotAllowed):
        exc.detail = f"只读接口，不支持{context['request'].method}请求。"
    elif isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait) + 1 if exc.wait else 60
        if str(exc.detail).startswith("认证失败"):
            exc.detail = f"认证失败次数过多，请在{wait}秒后重试。"
        else:
            exc.detail = f"请求过于频繁，请在{wait}秒后重试。"
    elif isinstance(exc, exceptions.NotFound):
        if not any(word in str(exc.detail) for word in ("游标", "台账")):
            exc.detail = MESSAGES[exceptions.NotFound]
    elif type(exc) in MESSAGES:
        exc.detail = MESSAGES[type(exc)]
    return exception_handler(exc, context)
