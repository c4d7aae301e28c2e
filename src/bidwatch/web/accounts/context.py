from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bidwatch.web.accounts.roles import Cap, caps


def role_context(request: HttpRequest) -> dict[str, Any]:
    """``perms_bw.triage`` etc. in templates: show only the actions the role may take."""
    user = getattr(request, "user", None)
    have = caps(user) if user is not None else frozenset()  # type: ignore[arg-type]
    return {"perms_bw": {cap.value: cap in have for cap in Cap}}
