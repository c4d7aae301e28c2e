"""Response headers every page gets."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class Middleware:
    """The base of the project's middleware: it keeps the handler that makes the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response


class ContentSecurityPolicyMiddleware(Middleware):
    """Send ``Content-Security-Policy``: only this origin's scripts, styles and connections."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class NoStoreMiddleware(Middleware):
    """Nothing a logged-in user is shown or downloads — case data, evidence, reports, exports — is kept
    by the browser's or a proxy's cache (``Cache-Control: no-store, private``): a shared desk or a
    proxy must not hand it to the next person."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            response.headers.pop("Cache-Control", None)
            add_never_cache_headers(response)
        return response
