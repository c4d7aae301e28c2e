"""A user whose password was set by someone else sets a new one before doing anything else."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from bidwatch.web.middleware import Middleware

#: What such a user may still reach: the password form, logging out, the language switch.
ALLOWED = {"accounts:password_change", "accounts:logout", "set_language"}


class PasswordChangeRequiredMiddleware(Middleware):
    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if not getattr(user, "is_authenticated", False) or not getattr(user, "must_change_password", False):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED:
            return None
        return redirect("accounts:password_change")
