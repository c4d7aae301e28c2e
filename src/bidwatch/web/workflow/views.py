"""The shared pages of a workflow: the case page with the forms of the steps the user may take now, and
one POST URL per step (``<namespace>:step``). The old way — a POST to the case page naming ``step`` —
still works and goes through the same code.

An app gives its template and what else its page shows::

    detail = workflow_views.detail_view(WORKFLOW, "complaints/detail.html", context=_context)
    step = workflow_views.step_view(detail)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.roles import Cap
from bidwatch.web.workflow.core import Workflow

Context = Callable[[HttpRequest, Any], dict[str, Any]]


def take_step(request: HttpRequest, wf: Workflow, obj: Any, name: str) -> tuple[HttpResponse | None, Any]:
    """Take step ``name`` from the POST: a redirect when done, else the bound form (or a bare refusal)."""
    step = wf.step(name)
    if step is None or not wf.may(request.user, obj, name):
        if step is not None or not any(wf.may(request.user, obj, s.name) for s in wf.steps):
            raise PermissionDenied(f"{wf.key}:{name}")
        return HttpResponse(status=400), None
    form = wf.form(name, obj, request.POST, request.user)
    if not wf.is_open(obj, name):  # the page again, saying why (the state moved on since it was shown)
        form.is_valid()
        form.add_error(None, wf.closed_message(obj, name))
        return None, form
    if form.is_valid():
        try:
            wf.run(name, obj, request.user, form.cleaned_data, request=request)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, wf.saved_message or _("Saved."))
            return redirect(f"{wf.namespace}:{wf.detail_url}", pk=obj.pk), None
    return None, form


def detail_view(wf: Workflow, template: str, *, view_cap: Cap, context: Context | None = None,
                queryset: Callable[[], QuerySet[Any]] | None = None,
                form_names: dict[str, str] | None = None) -> Callable[..., HttpResponse]:
    """The case page; a POST with ``step`` takes that step (as does :func:`step_view`). The page gets
    ``step_forms`` (the steps the user may take now, with their forms), ``events`` (the case's history, with the
    actors) and, where a template places each form by name, ``form_names`` (step -> context name) puts every
    step's form under its own name."""

    @requires(view_cap)
    def view(request: HttpRequest, pk: int, step: str | None = None) -> HttpResponse:
        obj = wf.get_for(request.user, pk, queryset() if queryset else None)
        bound: dict[str, Any] = {}
        status = 200
        if request.method == "POST":
            name = step or request.POST.get("step", wf.default_step)
            response, form = take_step(request, wf, obj, name)
            if response is not None:
                return response
            bound[name], status = form, 400
        forms = [(s.name, bound.pop(s.name, None) or wf.form(s.name, obj, user=request.user))
                 for s in wf.steps_for(request.user, obj)]
        forms += list(bound.items())  # a step refused in this state: its form, with the reason
        # ... which a page that places its forms by name (and so only the open ones) shows above the case
        closed = [str(e) for name, f in bound.items() if name in (form_names or {}) for e in f.non_field_errors()]
        ctx = {"obj": obj, "step_forms": forms, "workflow": wf, "step_url": f"{wf.namespace}:{wf.step_url}",
               "events": wf.history_of(obj), "closed_step_errors": closed,
               **(context(request, obj) if context else {})}
        ctx["forms_by_step"] = by_step = dict(forms)
        for name, key in (form_names or {}).items():
            ctx[key] = by_step.get(name) or wf.form(name, obj, user=request.user)
        return render(request, template, ctx, status=status)

    return view


def create_page(request: HttpRequest, form: Any, template: str, create: Callable[[dict[str, Any]], Any], *,
                message: Callable[[Any], str], detail: str, context: dict[str, Any] | None = None) -> HttpResponse:
    """The page that opens a case from ``form``. A valid POST calls ``create(cleaned_data)`` (the service):
    the ``ValueError`` it raises goes on the form, a ``ValidationError`` (a model's ``full_clean``) on the
    fields it names; done, the page says ``message(case)`` and goes to the case page (``detail``, a URL name
    taking the pk). A form with errors comes back with status 400."""
    if request.method == "POST" and form.is_valid():
        try:
            case = create(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, message(case))
            return redirect(detail, pk=case.pk)
    return render(request, template, {"form": form, **(context or {})}, status=400 if form.errors else 200)


def step_view(detail: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """One POST URL per step; a failed step shows the case page again with the bound form (400)."""
    return require_POST(detail)


def urls(wf: Workflow, detail: Callable[..., HttpResponse], prefix: str = "") -> list[Any]:
    """``<pk>/`` (the case page) and ``<pk>/step/<name>/`` (one POST URL per step)."""
    return [path(f"{prefix}<int:pk>/", detail, name=wf.detail_url),
            path(f"{prefix}<int:pk>/step/<slug:step>/", step_view(detail), name=wf.step_url)]


def app_urls(wf: Workflow, list_view: Callable[..., HttpResponse], create: Callable[..., HttpResponse],
             detail: Callable[..., HttpResponse], *extra: Any) -> list[Any]:
    """A workflow app's routes: its list (``""``, ``list``), ``new/`` (``create``), the app's own ``extra`` routes,
    then :func:`urls`. The extras come before the step URL, which would take any ``<pk>/step/<name>/``."""
    return [path("", list_view, name="list"), path("new/", create, name="create"), *extra, *urls(wf, detail)]
