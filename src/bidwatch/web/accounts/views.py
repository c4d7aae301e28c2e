from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from bidwatch.web.accounts import services
from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import client_ip, record


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed logins. Please wait 15 minutes and try again, "
                       "or ask the administrator to unlock your account."),
    }

    def clean(self) -> dict[str, Any]:
        username = (self.data.get("username") or "").strip()
        ip = client_ip(self.request)
        if not services.reserve_login_attempt(username, ip):
            record(None, AuditEntry.Action.LOGIN_FAILED, request=self.request, username=username, reason="throttled")
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record(None, AuditEntry.Action.LOGIN_FAILED, request=self.request, username=username)
            raise
        services.login_succeeded(username, ip)
        return cleaned


@method_decorator(login_not_required, name="dispatch")
@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@method_decorator(sensitive_post_parameters("old_password", "new_password1", "new_password2"), name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """A user sets their own password (also when an administrator's reset requires it: the
    ``PasswordChangeRequiredMiddleware`` sends them here first). Audited by ``User.save``."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


def profile(request: HttpRequest) -> HttpResponse:
    from bidwatch.web.accounts.roles import CAP_LABELS, Cap, can

    return render(request, "accounts/profile.html",
                  {"may": [CAP_LABELS[c] for c in Cap if can(request.user, c)]})
