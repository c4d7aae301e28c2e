"""Write audit entries. Call :func:`record` inside the same transaction as the change it records."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bidwatch.web.audit.models import AuditEntry


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    actor: Any,
    action: str,
    obj: Any = None,
    *,
    request: HttpRequest | None = None,
    object_type: str = "",
    object_id: str = "",
    **detail: Any,
) -> AuditEntry:
    """Append one entry. ``actor`` is a user (or None for the system); ``obj`` any model instance."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return AuditEntry.objects.create(
        user=user,
        username=getattr(actor, "username", "") or detail.pop("username", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail={k: v for k, v in detail.items() if v is not None},
        ip=client_ip(request),
    )
