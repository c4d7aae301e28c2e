"""Write audit entries. Call :func:`record` inside the same transaction as the change it records."""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from bidwatch.web.audit.models import AuditEntry

#: The request being served (set by ``AuditMiddleware``), so that a change made deep in a model's
#: ``save`` (a user's role, password ...) knows who made it and from where.
current_request: ContextVar[HttpRequest | None] = ContextVar("bidwatch_current_request", default=None)


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or — only when the connection comes from one of
    ``TRUSTED_PROXIES`` — the configured header (``CLIENT_IP_HEADER``, e.g. ``X-Forwarded-For``), read
    from the right past the trusted proxies, so that a client cannot choose its own address."""
    if request is None:
        return None
    remote = _valid_ip(request.META.get("REMOTE_ADDR") or "")
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    trusted = {_valid_ip(p) or p for p in getattr(settings, "TRUSTED_PROXIES", ())}
    if not header or remote is None or remote not in trusted:
        return remote
    value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    for candidate in reversed([v for v in value.split(",") if v.strip()]):
        ip = _valid_ip(candidate)
        if ip is None:
            break
        if ip not in trusted:
            return ip
    return remote


def current_actor() -> tuple[Any, HttpRequest | None]:
    """The logged-in user of the request being served (None outside a request: the command line)."""
    request = current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    return (user if getattr(user, "is_authenticated", False) else None), request


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
    if request is not None and action == AuditEntry.Action.VIEW_EVIDENCE:
        request._bidwatch_viewed = True  # type: ignore[attr-defined]  # AuditMiddleware adds no second entry
    return AuditEntry.objects.create(
        user=user,
        username=getattr(actor, "username", "") or detail.pop("username", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail={k: v for k, v in detail.items() if v is not None},
        ip=client_ip(request),
    )
