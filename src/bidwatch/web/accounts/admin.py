from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import Agency, User
from bidwatch.web.audit.admin import AuditedAdminMixin


@admin.register(Agency)
class AgencyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "sector")


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    list_display = ("username", "agency", "role", "is_active", "last_login")
    list_filter = ("role", "agency", "is_active")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Campaign"), {"fields": ("agency", "role")}))  # type: ignore[misc]
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("Campaign"), {"fields": ("agency", "role")}))
