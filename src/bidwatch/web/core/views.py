"""The dashboard: the reminders and cards the apps registered (``registry.py``) that the user's role may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.roles import Cap
from bidwatch.web.core.registry import cards_for, reminders_for


@requires(Cap.VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    cards = cards_for(request)
    ctx: dict[str, Any] = {"reminders": reminders_for(request.user), "cards": cards,
                           "scripts": list(dict.fromkeys(s for c in cards for s in c.scripts))}
    for card in cards:
        ctx.update(card.context(request))
    return render(request, "core/dashboard.html", ctx)
