"""Row-level scope: department staff see only their own sector's tenders and alerts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from bidwatch.web.accounts.roles import is_sector_scoped, sector_allowed


def scope_by_sector(qs: QuerySet[Any], user: Any, field: str = "sector") -> QuerySet[Any]:
    if not is_sector_scoped(user):
        return qs
    if not user.sector:
        return qs.none()
    return qs.filter(**{field: user.sector})


def check_sector(user: Any, sector: str | None) -> None:
    if not sector_allowed(user, sector):
        raise PermissionDenied("sector")
