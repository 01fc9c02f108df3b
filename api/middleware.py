"""Every call of /api/… is recorded (ApiCallLog): who (the token's user, or nobody), when, the method,
path and query, the answer's status and time, the caller's address; a refused call (401, 404, 429)
is recorded like any other."""

from __future__ import annotations

import logging
import time

from .authentication import client_ip
from .services import api_call_record

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


class ApiCallLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        try:
            api_call_record(
                user=getattr(request, "user", None),
                token=getattr(request, "auth", None),
                method=request.method or "",
                path=request.path,
                query=request.META.get("QUERY_STRING", ""),
                status=response.status_code,
                duration_ms=int((time.perf_counter() - started) * 1000),
                ip=client_ip(request),
            )
        except Exception:  # a lost log row must not lose the caller's answer; the failure is logged
            logger.exception("API call not recorded: %s %s", request.method, request.path)
        return response
