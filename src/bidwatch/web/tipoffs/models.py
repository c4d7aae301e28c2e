"""Reports from the public (举报): registered by staff from a published channel or submitted by the reporter on
the intake page; each gets a query code (查询码) of which only the SHA-256 is kept.

received → accepted → answered; received → not accepted; received/accepted → made a clue, made a complaint
(条例 第60条: a bidder's or interested party's complaint about the tendering), or closed with a reason. Clocks
(信访工作条例, 2022): whether to accept within 15 days of receipt, the answer within 60 days of acceptance,
extendable once by at most 30 days with the head's approval (:data:`ACCEPT_DAYS`, :data:`ANSWER_DAYS`,
:data:`EXTENSION_DAYS`), calendar days (日), the last one rolled to a working day (民法典 第203条).

The reporter's name, contact and identity number are Fernet tokens (:mod:`.crypto`): ``*_enc`` columns are never
shown, exported or put in a report; :func:`bidwatch.web.tipoffs.services.reveal_reporter` decrypts them for the
roles with ``Cap.VIEW_REPORTER`` and writes each view to the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bidwatch.web.accounts.models import Sector, sector_field
from bidwatch.web.cases import Numbered, campaign_field
from bidwatch.web.core.fields import history_of, made_by, optional_link, status_field, step_date
from bidwatch.web.history import HistoryEvent

ACCEPT_DAYS = 15  #: 信访工作条例: tell the reporter within 15 days whether the matter is accepted
ANSWER_DAYS = 60  #: ... handle it and answer within 60 days of acceptance
EXTENSION_DAYS = 30  #: ... extendable once, by no more than 30 days, with the head's approval


class Channel(models.Model):
    """A channel a campaign publishes (举报电话, 信箱, 接待地点, 邮箱, 网址) with its number or address: each campaign
    has its own (configured by the campaign office, ``views.channel_list``); staff register reports from the current
    campaign's published channels and the reporter's page lists them."""

    class Kind(models.TextChoices):
        HOTLINE = "hotline", _("Hotline")
        LETTER = "letter", _("Letter")
        VISIT = "visit", _("Visit in person")
        EMAIL = "email", _("E-mail")
        ONLINE = "online", pgettext_lazy("tipoff", "Online")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("number or address"), max_length=300)
    active = models.BooleanField(_("published"), default=True)
    campaign = campaign_field("channels")

    class Meta:
        verbose_name = _("reporting channel")
        verbose_name_plural = _("reporting channels")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name} {self.address}"

    @classmethod
    def published(cls, campaign: Any = None) -> models.QuerySet[Channel]:
        """The channels ``campaign`` (by default the current one) publishes; with no campaign at all, the published
        channels made without one (they join the first campaign made)."""
        from bidwatch.web.supervision.models import Campaign

        campaign = campaign if campaign is not None else Campaign.get_current()
        qs = cls.objects.filter(active=True)
        return qs.filter(campaign=campaign) if campaign is not None else qs.filter(campaign__isnull=True)


class Tipoff(Numbered):
    NUMBERING = ("JB", "received_on")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, awaiting acceptance")
        ACCEPTED = "accepted", _("Accepted, being handled")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")
        ANSWERED = "answered", _("Answered")
        CLUE = "clue", _("Made a problem clue")
        COMPLAINT = "complaint", _("Handled as a complaint")
        CLOSED = "closed", _("Closed")

    channel = models.CharField(pgettext_lazy("tipoff", "channel"), max_length=20, choices=Channel.Kind.choices)
    channel_ref = models.ForeignKey(Channel, verbose_name=_("published channel"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="tipoffs")
    campaign = campaign_field("tipoffs")
    anonymous = models.BooleanField(_("anonymous"), default=False)
    # Fernet tokens (crypto.py); never shown as such
    reporter_name_enc = models.TextField(blank=True, editable=False)
    reporter_contact_enc = models.TextField(blank=True, editable=False)
    reporter_id_enc = models.TextField(blank=True, editable=False)
    # what is reported
    subject = models.CharField(_("person or unit reported"), max_length=300)
    project_name = models.CharField(_("project or tender"), max_length=300, blank=True)
    tender_id = models.CharField(_("tender ID"), max_length=64, blank=True)
    sector = sector_field(default=Sector.OTHER)
    facts = models.TextField(_("facts reported"))
    received_on = models.DateField(pgettext_lazy("tipoff", "received on"))
    # where it stands
    status = status_field(Status, Status.RECEIVED)
    accept_due = step_date(_("acceptance due"))
    accepted_on = step_date(_("accepted on"))
    answer_due = step_date(_("answer due"))
    extended = models.BooleanField(_("period extended"), default=False)
    closed_on = step_date(_("closed on"))
    #: what the reporter is told on the status page (the answer, or the notice that it is not accepted)
    answer = models.TextField(_("answer to the reporter"), blank=True)
    #: why it was closed or made a clue/complaint (internal, never on the status page)
    reason = models.TextField(_("reason"), blank=True)
    clue = optional_link("alerts.Clue", _("clue"), "tipoffs")
    complaint = optional_link("complaints.Complaint", _("complaint"), "tipoffs")
    #: SHA-256 of the query code; the code itself is shown once and not kept
    query_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by, created_at = made_by(_("registered by"), _("registered"), blank=True)

    OPEN = (Status.RECEIVED, Status.ACCEPTED)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "accept_due"], name="tipoff_accept_due_idx"),
                   models.Index(fields=["status", "answer_due"], name="tipoff_answer_due_idx")]

    @property
    def has_reporter(self) -> bool:
        return bool(self.reporter_name_enc or self.reporter_contact_enc or self.reporter_id_enc)

    @property
    def due_on(self) -> dt.date | None:
        return {self.Status.RECEIVED: self.accept_due, self.Status.ACCEPTED: self.answer_due}.get(self.status)

    #: what the reporter sees on the status page for each state: the stage, never who handles it
    PUBLIC_STAGE = {
        Status.RECEIVED: _("Received; it is being decided whether to accept it."),
        Status.ACCEPTED: _("Accepted; being handled."),
        Status.NOT_ACCEPTED: _("Not accepted."),
        Status.ANSWERED: _("Handled; the answer is below."),
        Status.CLUE: _("Accepted; passed on for verification."),
        Status.COMPLAINT: _("Handled as a complaint under the tendering regulations."),
        Status.CLOSED: _("Handling has ended."),
    }

    def public_stage(self) -> str:
        return str(self.PUBLIC_STAGE[self.Status(self.status)])


class TipoffEvent(HistoryEvent):
    STEPS = {
        "register": _("Registered"), "submit": _("Submitted online by the reporter"), "accept": _("Accepted"),
        "refuse": _("Not accepted"), "extend": _("Period extended"), "answer": _("Answered"),
        "to_clue": _("Made a problem clue"), "to_complaint": _("Handled as a complaint"), "close": _("Closed"),
    }

    tipoff = history_of(Tipoff)
