"""Headers every response carries that Django's own middleware does not write."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """`Content-Security-Policy: settings.CONTENT_SECURITY_POLICY` on every response that has
    none: the browser runs only the site's own script files, so a slip in escaping anywhere
    cannot run what someone typed (no page writes a script or an `on…=` handler into its
    HTML; static/cchc/app.js does by data attributes what they did)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
