from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.roles import Cap
from bidwatch.web.audit import actions
from bidwatch.web.audit.models import AuditEntry


@requires(Cap.VIEW_AUDIT)
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.select_related("user")
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action=action)
    user = request.GET.get("user", "").strip()
    if user:
        entries = entries.filter(username__icontains=user)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request, "audit/log.html", {"page": page, "actions": actions.choices(), "action": action, "user_q": user}
    )
