from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bidwatch.web.attachments import kinds, services
from bidwatch.web.attachments.models import Attachment


def _back(request: HttpRequest) -> HttpResponse:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return redirect(nxt)
    return redirect("/")


@require_POST
def upload(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    if kinds.get(object_type) is None:
        raise Http404(object_type)
    obj = kinds.find(request.user, object_type, object_id)
    if obj is None:
        raise PermissionDenied("attachment")
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose a file."))
        return _back(request)
    try:
        services.upload(request.user, obj, file, request.POST.get("description", ""), request=request)
    except ValueError as exc:  # refused (type, size): back to the page, saying why
        messages.error(request, str(exc))
        return _back(request)
    messages.success(request, _("Attachment added."))
    return _back(request)


@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    a = get_object_or_404(Attachment, pk=pk)
    path = services.open_for(request.user, a, request=request)
    if not path.exists():
        raise Http404("attachment file missing")
    response = FileResponse(path.open("rb"), as_attachment=True, filename=a.name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
