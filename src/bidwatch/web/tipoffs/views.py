"""Report (举报) pages: staff's list, registration and case page (identity revealed on request, audited); the
reporter's intake and status pages, without an account, rate-limited per client address."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.audit.services import client_ip
from bidwatch.web.deadlines import today
from bidwatch.web.tipoffs import services
from bidwatch.web.supervision.models import Campaign
from bidwatch.web.tipoffs.forms import ChannelForm, FilterForm, IntakeForm, RegisterForm, StatusForm
from bidwatch.web.tipoffs.models import Channel, Tipoff
from bidwatch.web.tipoffs.workflow import CLOCK, WORKFLOW
from bidwatch.web.workflow import views as workflow_views

#: the public pages: at most this many requests per client address per window (seconds)
PUBLIC_LIMIT = 10
PUBLIC_WINDOW = 15 * 60

View = Callable[[HttpRequest], HttpResponse]


def over_limit(request: HttpRequest, page: str) -> bool:
    """Count this request; True once the address made more than :data:`PUBLIC_LIMIT` in the window."""
    key = f"tipoffs:{page}:{client_ip(request) or 'unknown'}"
    count = int(cache.get(key, 0)) + 1
    cache.set(key, count, PUBLIC_WINDOW)
    return count > PUBLIC_LIMIT


def _limited(request: HttpRequest) -> HttpResponse:
    response = render(request, "tipoffs/public_limited.html", status=429)
    response["Retry-After"] = str(PUBLIC_WINDOW)
    return response


def _public(page: str) -> Callable[[View], View]:
    """A reporter's page: no account, never cached, and a POST over the address's limit (:func:`over_limit`,
    counted under ``page``) answered by the limit page (429)."""

    def decorate(view: View) -> View:
        @login_not_required
        @never_cache
        @functools.wraps(view)
        def public(request: HttpRequest) -> HttpResponse:
            if request.method == "POST" and over_limit(request, page):
                return _limited(request)
            return view(request)

        return public

    return decorate


@requires(Cap.VIEW_TIPOFFS)
def tipoff_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    qs = form.campaign_filter(services.visible(request.user)).select_related("campaign", "channel_ref")
    on = today()
    if form.is_valid():
        qs = CLOCK.filter(qs, form.cleaned_data["state"], on)
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "tipoffs/list.html", {
        "form": form, "page": page, "rows": [(t, CLOCK.state(t, on)) for t in page],
        "reminders": services.reminders(request.user, on), "can_register": can(request.user, Cap.HANDLE_TIPOFF),
        "channels": Channel.published(), "campaign": form.current})


@requires(Cap.HANDLE_TIPOFF)
def tipoff_create(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            t, code = services.register(request.user, request=request, reporter=form.reporter(),
                                        **{f: form.cleaned_data[f] for f in form.FIELDS})
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            # the query code is shown once, to be passed to the reporter; only its hash is kept
            return render(request, "tipoffs/registered.html", {"t": t, "code": code})
    return render(request, "tipoffs/form.html", {
        "form": form, "no_channel": not form.fields["channel_ref"].queryset.exists(),  # type: ignore[attr-defined]
        "can_configure": can(request.user, Cap.RUN_CAMPAIGN)}, status=400 if form.errors else 200)


# --- the campaign's published channels (issue 16 item 1) --------------------------------------------

def _chosen_campaign(request: HttpRequest) -> Campaign | None:
    pk = request.GET.get("campaign", "")
    if pk.isdigit():
        return get_object_or_404(Campaign, pk=pk)
    return Campaign.get_current()


@requires(Cap.VIEW_TIPOFFS)
def channel_list(request: HttpRequest) -> HttpResponse:
    """A campaign's channels (the current one by default), with the number of reports each brought; the office
    publishes a new one here (``Cap.RUN_CAMPAIGN``)."""
    campaign = _chosen_campaign(request)
    may_edit = can(request.user, Cap.RUN_CAMPAIGN) and campaign is not None  # type: ignore[arg-type]
    if request.method == "POST" and not may_edit:
        raise PermissionDenied("run_campaign")
    if may_edit and request.POST.get("copy_from", "").isdigit():
        source = get_object_or_404(Campaign, pk=request.POST["copy_from"])
        copied = services.copy_channels(request.user, source, campaign, request=request)
        messages.success(request, _("%(n)s channels copied from %(campaign)s.")
                         % {"n": len(copied), "campaign": source})
        return redirect(f"{reverse('tipoffs:channels')}?campaign={campaign.pk}")  # type: ignore[union-attr]
    form = ChannelForm(request.POST or None, campaign=campaign) if may_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        channel = form.save(commit=False)
        channel.campaign = campaign
        services.save_channel(request.user, channel, request=request)
        messages.success(request, _("Saved."))
        return redirect(f"{reverse('tipoffs:channels')}?campaign={campaign.pk}")  # type: ignore[union-attr]
    channels = Channel.objects.filter(campaign=campaign) if campaign else Channel.objects.filter(campaign__isnull=True)
    return render(request, "tipoffs/channels.html", {
        "campaign": campaign, "campaigns": Campaign.objects.all(), "form": form, "may_edit": may_edit,
        # the campaigns whose published channels this one may publish again
        "copy_from": Campaign.objects.exclude(pk=getattr(campaign, "pk", None)).filter(
            channels__active=True).distinct(),
        "channels": channels.annotate(reports=Count("tipoffs"))},
        status=400 if form is not None and form.errors else 200)


@requires(Cap.RUN_CAMPAIGN)
def channel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a channel's number or address, or withdraw it (not published: gone from the forms and the reporter's
    page; the reports it brought keep it)."""
    channel = get_object_or_404(Channel, pk=pk)
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        services.save_channel(request.user, form.save(commit=False), request=request)
        messages.success(request, _("Saved."))
        query = f"?campaign={channel.campaign_id}" if channel.campaign_id else ""
        return redirect(reverse("tipoffs:channels") + query)
    return render(request, "tipoffs/channel_form.html", {"form": form, "channel": channel},
                  status=400 if form.errors else 200)


def _detail_context(request: HttpRequest, t: Tipoff) -> dict[str, Any]:
    return {"t": t, "deadline": CLOCK.state(t, today()),
            "may_reveal": can(request.user, Cap.VIEW_REPORTER) and t.has_reporter}


tipoff_detail = workflow_views.detail_view(
    WORKFLOW, "tipoffs/detail.html", view_cap=Cap.VIEW_TIPOFFS, context=_detail_context,
    queryset=lambda: Tipoff.objects.select_related("created_by", "clue", "complaint", "channel_ref", "campaign"))


@never_cache
@require_POST
@requires(Cap.VIEW_REPORTER)
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporter's identity, decrypted on an explicit request (POST) and written to the audit log."""
    t = WORKFLOW.get_for(request.user, pk)
    reporter = services.reveal_reporter(t, request.user, request=request)
    return render(request, "tipoffs/reporter.html", {"t": t, "reporter": reporter})


# --- the reporter's pages (no account) ------------------------------------------------------------

@_public("intake")
def intake(request: HttpRequest) -> HttpResponse:
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not form.cleaned_data["website"]:
        _t, code = services.submit(request=request, reporter=form.reporter(), subject=form.cleaned_data["subject"],
                                   project_name=form.cleaned_data["project_name"], facts=form.cleaned_data["facts"])
        return render(request, "tipoffs/public_done.html", {"code": code})
    return render(request, "tipoffs/public_intake.html",
                  {"form": form, "channels": Channel.published()},
                  status=400 if form.errors else 200)


@_public("status")
def status(request: HttpRequest) -> HttpResponse:
    """The stage and the answer, nothing else (not the unit, the dates, the clue or the people)."""
    form = StatusForm(request.POST or None)
    found: Tipoff | None = None
    if request.method == "POST" and form.is_valid():
        found = services.find_by_code(form.cleaned_data["code"])
        if found is None:
            form.add_error("code", _("No report has this query code."))
    ctx: dict[str, Any] = {"form": form}
    if found is not None:
        ctx.update(stage=found.public_stage(), answer=found.answer)
    return render(request, "tipoffs/public_status.html", ctx)


