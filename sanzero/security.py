"""HTTP hardening the framework does not do itself: the Content-Security-Policy header, and the
Chinese error pages even under DEBUG.

The policy allows scripts from this site only ('self': no inline <script>, no onclick=..., no
javascript: links; page behaviour lives in static/js/, configured by data-* attributes). Styles may be
inline (Bootstrap's and ECharts' style attributes). settings.CONTENT_SECURITY_POLICY holds the text.
"""

from __future__ import annotations

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = policy
        return response


class ChineseErrorPagesMiddleware:
    """Under DEBUG Django answers a 404 with its English technical page (every URL pattern, the
    settings' names). The demo runs with DEBUG=1 (`make run`), so this middleware puts the site's own
    Chinese 404 page in its place, unless SANZERO_TECHNICAL_404 asks for Django's (a developer's
    choice). Without DEBUG Django uses handler404 already and this middleware changes nothing.

    It sits near the top of MIDDLEWARE: by then Django has turned every Http404 (a view's, or no URL
    pattern matching) into a response, which is why this looks at responses, not exceptions.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and not getattr(settings, "SANZERO_TECHNICAL_404", False)
            and response.status_code == 404
            and not getattr(response, "sanzero_error_page", False)
            and not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            from .views import page_not_found

            return page_not_found(request)
        return response
