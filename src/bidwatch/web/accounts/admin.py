from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import Agency, LoginThrottle, User
from bidwatch.web.audit.admin import AuditedAdminMixin, ViewOnlyAdminMixin


@admin.register(Agency)
class AgencyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "sector")


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ("username", "agency", "role", "office_head", "is_active", "last_login")
    list_filter = ("role", "office_head", "agency", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Campaign"), {"fields": ("agency", "role", "office_head", "must_change_password")}),
    )
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("Campaign"), {"fields": ("agency", "role", "office_head")}))
    # Set by a password reset, cleared by the user's own change: not for the administrator to untick.
    readonly_fields = ("must_change_password",)


@admin.register(LoginThrottle)
class LoginThrottleAdmin(AuditedAdminMixin, ViewOnlyAdminMixin, admin.ModelAdmin):
    """Login locks: deleting one unlocks that user at that address (audited)."""

    list_display = ("username", "ip", "failures", "window_start")
    search_fields = ("username", "ip")
    readonly_fields = ("username", "ip", "failures", "window_start")
