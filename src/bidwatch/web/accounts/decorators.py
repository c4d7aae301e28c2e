"""``@requires(Cap.X)``: the one gate every view passes through."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from bidwatch.web.accounts.roles import Cap, can


def requires(*needed: Cap) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Refuse (403, rendered as the refusal page) unless the user's role has every capability."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            missing = [cap for cap in needed if not can(request.user, cap)]  # type: ignore[arg-type]
            if missing:
                raise PermissionDenied(",".join(missing))
            return view(request, *args, **kwargs)

        wrapped.required_caps = needed  # type: ignore[attr-defined]
        return wrapped

    return decorate
