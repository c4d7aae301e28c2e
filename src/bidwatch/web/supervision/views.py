"""The campaign front's pages: campaigns, supervision orders (list, issue, page with steps, printable order),
talks (list per unit and period, record, page with the follow-up), the assessment (ranking, a unit's records,
manual adjustments, Excel export)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bidwatch.web.accounts.decorators import requires
from bidwatch.web.accounts.models import Agency, Role
from bidwatch.web.accounts.roles import Cap, can
from bidwatch.web.audit.services import record
from bidwatch.web.deadlines import today
from bidwatch.web.downloads import PDF, XLSX, attachment
from bidwatch.web.periods import CheckedPeriod
from bidwatch.web.supervision import assessment, services
from bidwatch.web.supervision.forms import AdjustmentForm, BulletinForm, ItemForm, OrderForm, PeriodForm, TalkForm
from bidwatch.web.supervision.models import Bulletin, Campaign, DocumentRequirement, DocumentSubmission, Stage, SupervisionOrder, Talk
from bidwatch.web.supervision.workflow import (BULLETINS, ORDER_CLOCK, ORDERS, TALK_CLOCK, TALKS, visible_bulletins,
                                               visible_orders, visible_talks)
from bidwatch.web.widgets import DateInput
from bidwatch.web.workflow import views as workflow_views


def _campaign(request: HttpRequest) -> Campaign | None:
    pk = request.GET.get("campaign")
    if pk and pk.isdigit():
        return Campaign.objects.filter(pk=pk).first()
    return Campaign.get_current()


# --- campaigns -----------------------------------------------------------------------------------

class CampaignForm(CheckedPeriod, forms.ModelForm):
    period_fields = ("starts_on", "ends_on")
    stages = forms.CharField(
        label=gettext_lazy("Stages"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One a line: name, first day, last day (e.g. 动员部署 2026-03-01 2026-03-31)"))

    class Meta:
        model = Campaign
        fields = ["name", "starts_on", "ends_on", "units", "current"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "units": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Agency.objects.exclude(kind=Agency.Kind.OFFICE)

    def clean_stages(self) -> list[tuple[str, Any, Any]]:
        out = []
        for line in self.cleaned_data["stages"].splitlines():
            if not line.strip():
                continue
            try:
                name, start, end = line.rsplit(maxsplit=2)
                out.append((name.strip(), forms.DateField().clean(start), forms.DateField().clean(end)))
            except (ValueError, forms.ValidationError):
                raise forms.ValidationError(_("Cannot read the stage line: %(line)s") % {"line": line}) from None
        return out


@requires(Cap.VIEW_SUPERVISION)
def campaign_list(request: HttpRequest) -> HttpResponse:
    form = None
    if can(request.user, Cap.RUN_CAMPAIGN):  # type: ignore[arg-type]
        form = CampaignForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            first = not Campaign.objects.exists()
            c = form.save()
            if c.current:  # one current campaign: next year's takes over, this year's records keep theirs
                Campaign.objects.exclude(pk=c.pk).update(current=False)
            if first:  # the first campaign takes the records made before there was any
                services.adopt_orphans(c)
            for name, start, end in form.cleaned_data["stages"]:
                Stage.objects.create(campaign=c, name=name, starts_on=start, ends_on=end)
            record(request.user, "campaign", c, request=request, step="create", name=c.name)
            messages.success(request, _("Saved."))
            return redirect("supervision:campaigns")
    elif request.method == "POST":
        raise PermissionDenied("run_campaign")
    campaigns = Campaign.objects.prefetch_related("stages", "units")
    return render(request, "supervision/campaigns.html", {"campaigns": campaigns, "form": form, "today": today()},
                  status=400 if form is not None and form.errors else 200)


# --- orders --------------------------------------------------------------------------------------

@requires(Cap.VIEW_SUPERVISION)
def order_list(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    qs = visible_orders(request.user).select_related("unit", "issuer", "campaign")
    if campaign:
        qs = qs.filter(campaign=campaign)
    status = request.GET.get("status", "")
    if status in SupervisionOrder.Status.values:
        qs = qs.filter(status=status)
    qs = ORDER_CLOCK.filter(qs, request.GET.get("state", ""), today())
    rows = [(o, ORDER_CLOCK.state(o)) for o in qs[:500]]
    return render(request, "supervision/orders.html", {
        "rows": rows, "campaign": campaign, "campaigns": Campaign.objects.all(), "status": status,
        "statuses": SupervisionOrder.Status.choices, "can_issue": can(request.user, Cap.SUPERVISE)})  # type: ignore[arg-type]


@requires(Cap.SUPERVISE)
def order_issue(request: HttpRequest) -> HttpResponse:
    initial = {"issued_on": today(), **{k: request.GET[k] for k in ("matter_kind", "matter_ref", "unit") if k in request.GET}}
    return workflow_views.create_page(
        request, OrderForm(request.POST or None, initial=initial), "supervision/order_form.html",
        lambda data: services.issue(request.user, request=request, **data), detail="supervision:order",
        message=lambda o: _("Order %(number)s issued; answer due %(due)s.") % {"number": o.number, "due": o.deadline})


def _order_context(request: HttpRequest, o: SupervisionOrder) -> dict[str, Any]:
    return {"o": o, "deadline": ORDER_CLOCK.state(o),
            "talks": o.talks.all(), "files": o.files.all(),
            "can_attach": ORDERS.may(request.user, o, "answer") and o.status != SupervisionOrder.Status.ACCEPTED,
            "can_talk": o.talk_proposed and can(request.user, Cap.SUPERVISE)}  # type: ignore[arg-type]


order_detail = workflow_views.detail_view(
    ORDERS, "supervision/order.html", view_cap=Cap.VIEW_SUPERVISION, context=_order_context,
    queryset=lambda: SupervisionOrder.objects.select_related("unit", "issuer", "campaign", "issued_by"))


@requires(Cap.ANSWER_SUPERVISION)
def order_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit attaches a file to its answer (PDF, DOCX, XLSX; checked like the unit documents)."""
    from bidwatch.web.supervision import documents
    from bidwatch.web.supervision.models import OrderFile

    if request.method != "POST":
        return HttpResponse(status=405)
    o = ORDERS.get_for(request.user, pk)
    if not ORDERS.may(request.user, o, "answer"):
        raise PermissionDenied("supervision:attach")
    if o.status == SupervisionOrder.Status.ACCEPTED:
        messages.error(request, _("The answer was accepted: nothing more to attach."))
        return redirect("supervision:order", pk=o.pk)
    f = request.FILES.get("file")
    try:
        if f is None:
            raise ValueError(_("Choose a file."))
        documents.check_file(f)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("supervision:order", pk=o.pk)
    att = OrderFile(order=o, name=f.name[-200:], size=f.size, uploaded_by=request.user)
    att.file.save(f.name, f, save=False)
    att.save()
    record(request.user, "supervision", o, request=request, step="attach", number=o.number, file=att.name,
           size=att.size)
    messages.success(request, _("Saved."))
    return redirect("supervision:order", pk=o.pk)


@requires(Cap.VIEW_SUPERVISION)
def order_file(request: HttpRequest, pk: int, file: int) -> HttpResponse:
    from django.http import FileResponse

    o = ORDERS.get_for(request.user, pk)
    att = get_object_or_404(o.files, pk=file)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)


@requires(Cap.VIEW_SUPERVISION)
def order_print(request: HttpRequest, pk: int) -> HttpResponse:
    o = ORDERS.get_for(request.user, pk)
    return render(request, "supervision/order_print.html", {"o": o})


# --- talks ---------------------------------------------------------------------------------------

@requires(Cap.VIEW_SUPERVISION)
def talk_list(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    period = PeriodForm(request.GET or None)
    qs = visible_talks(request.user).select_related("unit", "held_by")
    if campaign:
        qs = qs.filter(campaign=campaign)
    qs = period.within(qs, "held_on")
    unit = request.GET.get("unit", "")
    if unit.isdigit():
        qs = qs.filter(unit_id=unit)
    talks = list(qs)
    per_unit: dict[Agency, int] = {}
    for t in talks:
        per_unit[t.unit] = per_unit.get(t.unit, 0) + 1
    return render(request, "supervision/talks.html", {
        "rows": [(t, TALK_CLOCK.state(t)) for t in talks], "per_unit": sorted(per_unit.items(), key=lambda x: x[0].pk),
        "campaign": campaign, "period": period, "can_record": can(request.user, Cap.SUPERVISE)})  # type: ignore[arg-type]


@requires(Cap.SUPERVISE)
def talk_record(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"held_on": today()}
    if request.GET.get("order", "").isdigit():
        o = visible_orders(request.user).filter(pk=request.GET["order"]).first()
        if o:
            initial.update(unit=o.unit_id, orders=[o.pk], campaign=o.campaign_id,
                           reason=_("Supervision order %(number)s unanswered after %(n)s reminders")
                           % {"number": o.number, "n": o.reminders})
    return workflow_views.create_page(
        request, TalkForm(request.POST or None, initial=initial), "supervision/talk_form.html",
        lambda data: services.record_talk(request.user, request=request, **{**data, "orders": list(data["orders"])}),
        message=lambda t: _("Saved."), detail="supervision:talk")


def _talk_context(request: HttpRequest, t: Talk) -> dict[str, Any]:
    return {"t": t, "deadline": TALK_CLOCK.state(t)}


talk_detail = workflow_views.detail_view(
    TALKS, "supervision/talk.html", view_cap=Cap.VIEW_SUPERVISION, context=_talk_context,
    queryset=lambda: Talk.objects.select_related("unit", "held_by", "campaign"))


# --- assessment ----------------------------------------------------------------------------------

def _assessment_args(request: HttpRequest) -> tuple[Campaign, Any, Any]:
    campaign = _campaign(request)
    if campaign is None:
        raise PermissionDenied("no campaign")
    start, end = assessment.period(campaign, *PeriodForm(request.GET or None).bounds())
    return campaign, start, end


def _period_errors(request: HttpRequest) -> list[str]:
    """What is wrong with the period asked for (a date that is none, an end before the start); empty when fine."""
    form = PeriodForm(request.GET or None)
    if not form.is_bound or form.is_valid():
        return []
    return [f"{form.fields[k].label}: {e}" if k in form.fields else str(e)
            for k, errors in form.errors.items() for e in errors]


def _bad_period(request: HttpRequest, campaign: Campaign, errors: list[str]) -> HttpResponse:
    """The ranking over the campaign's own period with the errors of the period asked for (400)."""
    start, end = assessment.period(campaign)
    return render(request, "supervision/assessment.html", {
        "campaign": campaign, "start": start, "end": end, "as_of": assessment.as_of(end), "period_errors": errors,
        "scores": assessment.seen_by(request.user, assessment.ranking(campaign, start, end)),
        "items": list(campaign.items.all()), "campaigns": Campaign.objects.all()}, status=400)


@requires(Cap.VIEW_SUPERVISION)
def assessment_page(request: HttpRequest) -> HttpResponse:
    if Campaign.get_current() is None:
        return render(request, "supervision/assessment.html", {"campaign": None})
    campaign, start, end = _assessment_args(request)
    if errors := _period_errors(request):
        return _bad_period(request, campaign, errors)
    form = item_form = None
    if can(request.user, Cap.RUN_CAMPAIGN):  # type: ignore[arg-type]
        is_item = request.POST.get("form") == "item"
        item_form = ItemForm(request.POST if is_item else None)
        form = AdjustmentForm(request.POST if request.method == "POST" and not is_item else None,
                              initial={"on": today()})
        if is_item and item_form.is_valid():
            i = item_form.save(commit=False)
            i.campaign = campaign
            i.save()
            record(request.user, "campaign", i, request=request, step="assessment_item", name=i.name,
                   metric=i.metric, weight=str(i.weight))
            messages.success(request, _("Saved."))
            return redirect(f"{request.path}?campaign={campaign.pk}")
        if request.method == "POST" and not is_item and form.is_valid():
            a = form.save(commit=False)
            a.campaign, a.entered_by = campaign, request.user
            a.save()
            record(request.user, "campaign", a, request=request, step="adjust", unit=a.unit.code,
                   points=str(a.points), reason=a.reason[:200])
            messages.success(request, _("Saved."))
            return redirect(f"{request.path}?campaign={campaign.pk}")
    elif request.method == "POST":
        raise PermissionDenied("run_campaign")
    scores = assessment.seen_by(request.user, assessment.ranking(campaign, start, end))
    return render(request, "supervision/assessment.html", {
        "campaign": campaign, "start": start, "end": end, "as_of": assessment.as_of(end), "scores": scores,
        "items": list(campaign.items.all()),
        "form": form, "item_form": item_form, "campaigns": Campaign.objects.all()},
        status=400 if (form is not None and form.errors) or (item_form is not None and item_form.errors) else 200)


@requires(Cap.VIEW_SUPERVISION)
def assessment_unit(request: HttpRequest, unit: int) -> HttpResponse:
    campaign, start, end = _assessment_args(request)
    if errors := _period_errors(request):
        return _bad_period(request, campaign, errors)
    agency = get_object_or_404(Agency, pk=unit)
    if request.user.role == Role.DEPARTMENT and agency.pk != request.user.agency_id:  # type: ignore[union-attr]
        raise PermissionDenied("assessment:other unit")
    score = assessment.score_unit(campaign, agency, start, end)
    return render(request, "supervision/assessment_unit.html", {"campaign": campaign, "start": start, "end": end,
                                                                 "as_of": assessment.as_of(end), "s": score})


@requires(Cap.VIEW_SUPERVISION)
def assessment_export(request: HttpRequest) -> HttpResponse:
    campaign, start, end = _assessment_args(request)
    if errors := _period_errors(request):
        return _bad_period(request, campaign, errors)
    scores = assessment.seen_by(request.user, assessment.ranking(campaign, start, end))
    fmt = "pdf" if request.GET.get("format") == "pdf" else "xlsx"
    filename = f"考核-{end:%Y%m%d}.{fmt}"
    record(request.user, "export", None, request=request, object_type="assessment", object_id=filename,
           format=fmt, rows=len(scores))
    if fmt == "pdf":
        from django.template.loader import render_to_string

        from bidwatch.web.reports.outputs import report_pdf

        html = render_to_string("supervision/assessment_pdf.html", {
            "campaign": campaign, "start": start, "end": end, "as_of": assessment.as_of(end), "scores": scores,
            "items": list(campaign.items.all())}, request=request)
        return attachment(report_pdf(html), filename, PDF)
    return attachment(assessment.xlsx(campaign, scores, start, end), filename, XLSX)


# --- unit documents ------------------------------------------------------------------------------

class RequirementForm(forms.ModelForm):
    class Meta:
        model = DocumentRequirement
        fields = ["kind", "name", "due_on"]
        widgets = {"due_on": DateInput()}


class UploadForm(forms.Form):
    requirement = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(label=gettext_lazy("File (PDF, DOCX or XLSX, at most 20 MB)"))


@requires(Cap.VIEW_SUPERVISION)
def documents_page(request: HttpRequest) -> HttpResponse:
    from bidwatch.web.supervision import documents

    campaign = _campaign(request)
    if campaign is None:
        return render(request, "supervision/documents.html", {"campaign": None})
    user = request.user
    is_unit = user.role == Role.DEPARTMENT  # type: ignore[union-attr]
    req_form = RequirementForm(request.POST if request.POST.get("form") == "requirement" else None) \
        if can(user, Cap.RUN_CAMPAIGN) else None  # type: ignore[arg-type]
    upload = UploadForm(request.POST if request.POST.get("form") == "upload" else None,
                        request.FILES if request.POST.get("form") == "upload" else None)
    if request.method == "POST":
        if request.POST.get("form") == "requirement":
            if req_form is None:
                raise PermissionDenied("run_campaign")
            if req_form.is_valid():
                r = req_form.save(commit=False)
                r.campaign = campaign
                r.save()
                record(user, "campaign", r, request=request, step="require_document", name=r.name, due=str(r.due_on))
                messages.success(request, _("Saved."))
                return redirect("supervision:documents")
        elif request.POST.get("form") == "upload":
            if not (is_unit and can(user, Cap.ANSWER_SUPERVISION)):  # type: ignore[arg-type]
                raise PermissionDenied("documents:submit")
            if upload.is_valid():
                r = get_object_or_404(DocumentRequirement, pk=upload.cleaned_data["requirement"], campaign=campaign)
                try:
                    documents.submit(user, r, upload.cleaned_data["file"], request=request)
                except ValueError as exc:
                    upload.add_error("file", str(exc))
                else:
                    messages.success(request, _("Saved."))
                    return redirect("supervision:documents")
        else:
            return HttpResponse(status=400)
    only = user.agency if is_unit else None  # type: ignore[union-attr]
    rows = documents.matrix(campaign, only)
    status = 400 if (req_form is not None and req_form.errors) or upload.errors else 200
    return render(request, "supervision/documents.html", {
        "campaign": campaign, "rows": rows, "units": [only] if only else documents.units(campaign),
        "req_form": req_form, "upload": upload, "can_upload": is_unit and can(user, Cap.ANSWER_SUPERVISION)},  # type: ignore[arg-type]
        status=status)


@requires(Cap.VIEW_SUPERVISION)
def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    from django.http import FileResponse

    s = get_object_or_404(DocumentSubmission, pk=pk)
    if request.user.role == Role.DEPARTMENT and s.unit_id != request.user.agency_id:  # type: ignore[union-attr]
        raise PermissionDenied("documents:other unit")
    return FileResponse(s.file.open("rb"), as_attachment=True, filename=s.name)


# --- bulletins -----------------------------------------------------------------------------------

@requires(Cap.VIEW_SUPERVISION)
def bulletin_list(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    qs = visible_bulletins(request.user).select_related("campaign")
    if campaign:
        qs = qs.filter(campaign=campaign)
    return render(request, "supervision/bulletins.html", {
        "bulletins": qs, "campaign": campaign, "can_draft": can(request.user, Cap.RUN_CAMPAIGN)})  # type: ignore[arg-type]


def _source(request: HttpRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    """The typical case a bulletin is drafted from (``?problem=``, ``?clue=``, ``?complaint=``), seen by the user."""
    from bidwatch.web.alerts.models import Clue
    from bidwatch.web.campaign.models import Problem
    from bidwatch.web.complaints.models import Complaint

    params = request.POST if request.method == "POST" else request.GET
    for key, model, text in (("problem", Problem, lambda o: f"{o.project_name}\n{o.description}\n{o.result}"),
                             ("clue", Clue, lambda o: o.summary),
                             # the complainant's identity is in no report or export (docs/web.md): the respondent only
                             ("complaint", Complaint, lambda o: f"{o.project_name}\n{o.respondent}")):
        pk = params.get(key, "")
        if pk.isdigit():
            obj = get_object_or_404(model, pk=pk)
            return {key: obj}, {"title": _("Typical case: %(number)s") % {"number": obj.number}, "body": text(obj).strip()}
    return {}, {}


@requires(Cap.RUN_CAMPAIGN)
def bulletin_draft(request: HttpRequest) -> HttpResponse:
    links, initial = _source(request)
    return workflow_views.create_page(
        request, BulletinForm(request.POST or None, initial=initial), "supervision/bulletin_form.html",
        lambda data: services.draft_bulletin(request.user, request=request, **links, **data),
        message=lambda b: _("Saved."), detail="supervision:bulletin", context={"links": links})


def _may_open_problem(user: Any, b: Bulletin) -> bool:
    """Whether the bulletin's ledger problem may be opened by ``user`` (its page is the ledger's visible set):
    a unit reading a published bulletin sees the problem's number, the link only when it is its own."""
    if b.problem_id is None:
        return False
    from bidwatch.web.campaign.workflow import visible as visible_problems

    return visible_problems(user).filter(pk=b.problem_id).exists()


bulletin_detail = workflow_views.detail_view(
    BULLETINS, "supervision/bulletin.html", view_cap=Cap.VIEW_SUPERVISION,
    context=lambda request, b: {"b": b, "problem_link": _may_open_problem(request.user, b)},
    queryset=lambda: Bulletin.objects.select_related("campaign", "problem", "clue", "complaint", "approved_by"))
