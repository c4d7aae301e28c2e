from __future__ import annotations

from typing import Any

from django.contrib import admin

from bidwatch.web.audit.models import AuditEntry
from bidwatch.web.audit.services import record


class AuditedAdminMixin:
    """Every change made in the admin goes to the audit log too."""

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        fields = sorted(form.changed_data) if form is not None else []
        record(request.user, AuditEntry.Action.CHANGE, obj, request=request, op="change" if change else "add",
               fields=[f for f in fields if "password" not in f] or None)

    def delete_model(self, request: Any, obj: Any) -> None:
        record(request.user, AuditEntry.Action.CHANGE, obj, request=request, op="delete")
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for obj in queryset:
            record(request.user, AuditEntry.Action.CHANGE, obj, request=request, op="delete")
        super().delete_queryset(request, queryset)  # type: ignore[misc]


class ViewOnlyAdminMixin:
    """Rows the admin shows but neither adds nor edits (the application writes them)."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "username", "action", "object_type", "object_id", "ip")
    list_filter = ("action",)
    search_fields = ("username", "object_id")

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
