"""The campaign's accountability front (issue 15): campaigns as objects with their stages and units,
supervision orders (督办单), talks (约谈) and the assessment (考核) of the units.

A campaign (专项整治) has a name, a period, the units taking part and its stages (动员部署, 自查自纠, 集中整治,
总结验收). Ledger problems, clues and complaints belong to one (``campaign`` foreign keys, nullable: a record
made without one is given the current campaign). Next year's campaign is a new row: this year's records keep theirs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bidwatch.web.accounts.models import Agency, unit_field
from bidwatch.web.cases import Named, Numbered, actor_field
from bidwatch.web.core.fields import history_of, made_by, optional_link, status_field, step_date
from bidwatch.web.history import HistoryEvent


class Campaign(Named):
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("period from"))
    ends_on = models.DateField(_("period until"))
    units = models.ManyToManyField(Agency, verbose_name=_("units taking part"), related_name="campaigns", blank=True)
    current = models.BooleanField(_("current campaign"), default=False,
                                  help_text=_("New records belong to the current campaign."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-id"]

    @classmethod
    def get_current(cls) -> Campaign | None:
        return cls.objects.filter(current=True).first() or cls.objects.first()

    def stage_on(self, on: dt.date) -> Stage | None:
        return self.stages.filter(starts_on__lte=on, ends_on__gte=on).first()


class Stage(Named):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("stage"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["starts_on", "id"]


class SupervisionOrder(Numbered):
    """督办单: the office or the discipline commission demands that a unit deal with a matter by a deadline."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued, awaiting the answer")
        ANSWERED = "answered", _("Answered, awaiting review")
        ACCEPTED = "accepted", _("Answer accepted")

    class Matter(models.TextChoices):
        PROBLEM = "problem", _("Ledger problem")
        CLUE = "clue", _("Problem clue")
        COMPLAINT = "complaint", _("Complaint")
        TRANSFER = "transfer", _("Transferred clue")
        DOCUMENT = "document", _("Unit document")
        OTHER = "other", _("Other")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="orders")
    year = models.PositiveIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("sequence number"))
    issuer = unit_field(_("issued by"))
    unit = unit_field(_("unit"), "orders")
    matter_kind = models.CharField(_("kind of matter"), max_length=20, choices=Matter.choices, default=Matter.OTHER)
    matter_ref = models.CharField(_("matter reference"), max_length=100, blank=True,
                                  help_text=_("e.g. the problem, clue or complaint number"))
    matter = models.TextField(_("the matter"))
    demand = models.TextField(_("what is demanded"))
    issued_on = models.DateField(_("issued on"))
    workdays = models.PositiveIntegerField(_("working days to answer"))
    deadline = models.DateField(_("answer due"))
    status = status_field(Status, Status.ISSUED)
    answered_on = step_date(_("answered on"))
    answer = models.TextField(_("handling report (办理情况反馈)"), blank=True)
    accepted_on = step_date(_("accepted on"))
    review = models.TextField(_("review note"), blank=True)
    returns = models.PositiveIntegerField(_("answers returned"), default=0)
    reminders = models.PositiveIntegerField(_("reminders (催办)"), default=0)
    last_reminded_on = step_date(_("last reminded on"))
    talk_proposed = models.BooleanField(_("talk proposed"), default=False)
    #: the first answer's date (an answer returned and given again keeps it): the assessment's "on time"
    first_answered_on = step_date(_("first answered on"))
    issued_by = actor_field()

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["-issued_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="order_number_unique")]

    @property
    def number(self) -> str:
        return f"〔{self.year}〕督字第{self.seq}号"


class OrderEvent(HistoryEvent):
    STEPS = {"issue": _("Order issued"), "answer": _("Answered"), "accept": _("Answer accepted"),
             "return": _("Answer returned"), "remind": _("Reminder sent (催办)")}
    order = history_of(SupervisionOrder)


class OrderFile(models.Model):
    """An attachment of a unit's answer (PDF, DOCX, XLSX; size and type checked on upload)."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="supervision/%Y/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by, uploaded_at = made_by()


class Talk(models.Model):
    """约谈: a unit's head called to a talk, the commitments made and their follow-up."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Held, follow-up pending")
        FOLLOWED_UP = "followed_up", _("Followed up")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="talks")
    unit = unit_field(_("unit"), "talks")
    person = models.CharField(_("person talked to"), max_length=100)
    position = models.CharField(_("position"), max_length=100)
    held_by = unit_field(_("held by"))
    talkers = models.CharField(_("talked to by"), max_length=200, help_text=_("names and positions"))
    reason = models.TextField(_("why"))
    orders = models.ManyToManyField(SupervisionOrder, verbose_name=_("linked orders"), blank=True,
                                    related_name="talks")
    held_on = models.DateField(pgettext_lazy("talk", "held on"))
    commitments = models.TextField(_("commitments made"))
    follow_up_due = models.DateField(_("follow-up due"))
    status = status_field(Status, Status.RECORDED)
    followed_up_on = step_date(_("followed up on"))
    follow_up = models.TextField(_("follow-up findings"), blank=True)
    recorded_by = actor_field()

    class Meta:
        verbose_name = _("talk")
        verbose_name_plural = _("talks")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        from django.utils.translation import gettext

        return gettext("Talk with %(unit)s on %(day)s") % {"unit": self.unit, "day": f"{self.held_on:%Y-%m-%d}"}


class TalkEvent(HistoryEvent):
    STEPS = {"record": _("Talk recorded"), "follow_up": _("Commitments followed up")}
    talk = history_of(Talk)


class AssessmentItem(Named):
    """One item of a campaign's assessment scheme: its weight and the platform records it is computed from."""

    class Metric(models.TextChoices):
        LEDGER = "ledger", _("Ledger problems rectified on time")
        COMPLAINTS = "complaints", _("Complaints decided within the statutory time")
        CLUES = "clues", _("Clues answered")
        TRANSFERS = "transfers", _("Transferred clues answered on time")
        ORDERS = "orders", _("Supervision orders answered on time")
        TALKS = "talks", _("Talk commitments followed up")
        DOCUMENTS = "documents", _("Unit documents submitted on time")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("item"), max_length=200)
    metric = models.CharField(_("computed from"), max_length=20, choices=Metric.choices)
    weight = models.DecimalField(_("points"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        ordering = ["id"]


class Adjustment(models.Model):
    """A manual plus or minus entered by the office, with its reason."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="adjustments")
    unit = unit_field(_("unit"))
    points = models.DecimalField(_("points (+/-)"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    on = models.DateField(_("date"))
    entered_by = actor_field()

    class Meta:
        verbose_name = _("assessment adjustment")
        verbose_name_plural = _("assessment adjustments")
        ordering = ["on", "id"]

    @property
    def signed(self) -> Decimal:
        return self.points


class DocumentRequirement(Named):
    """A document every unit of the campaign owes by a date (工作方案, 专班名单, a stage report, 总结报告)."""

    class Kind(models.TextChoices):
        WORK_PLAN = "work_plan", _("Work plan (工作方案)")
        ROSTER = "roster", _("Task-force roster (专班名单)")
        STAGE_REPORT = "stage_report", _("Stage report")
        SUMMARY = "summary", _("Summary report (总结报告)")
        OTHER = "other", _("Other")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="requirements")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("document"), max_length=200)
    due_on = models.DateField(_("due on"))

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["due_on", "id"]


class DocumentSubmission(models.Model):
    """A unit's submitted document (PDF, DOCX or XLSX; type and size checked); a later upload replaces nothing:
    the first submission dates the unit's delivery."""

    requirement = models.ForeignKey(DocumentRequirement, on_delete=models.CASCADE, related_name="submissions")
    unit = unit_field(_("unit"))
    file = models.FileField(upload_to="unit-documents/%Y/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    submitted_on = models.DateField(_("submitted on"))
    submitted_by, submitted_at = made_by()

    class Meta:
        verbose_name = _("submitted document")
        verbose_name_plural = _("submitted documents")
        ordering = ["submitted_on", "id"]

    @property
    def late(self) -> bool:
        return self.submitted_on > self.requirement.due_on


class Bulletin(models.Model):
    """通报: a typical case drafted from a ledger problem, a clue or a complaint by the office, submitted to the
    office head (专治办主任, ``Cap.APPROVE_BULLETIN``), approved by the head, published to the platform's units with
    a number (〔年〕通报第N号) and a date."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to the office head")
        APPROVED = "approved", _("Approved, to be published")
        PUBLISHED = "published", _("Published")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="bulletins")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    problem = optional_link("campaign.Problem", _("ledger problem"), "+")
    clue = optional_link("alerts.Clue", _("clue"), "+")
    complaint = optional_link("complaints.Complaint", _("complaint"), "+")
    status = status_field(Status, Status.DRAFT)
    year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    seq = models.PositiveIntegerField(_("sequence number"), null=True, blank=True)
    submitted_on = step_date(_("submitted on"))
    approved_on = step_date(_("approved on"))
    approved_by = actor_field(blank=True)
    published_on = step_date(_("published on"))
    drafted_by, created_at = made_by()

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="bulletin_number_unique")]

    def __str__(self) -> str:
        return self.number or self.title

    @property
    def number(self) -> str:
        return f"〔{self.year}〕通报第{self.seq}号" if self.seq else ""


class BulletinEvent(HistoryEvent):
    STEPS = {"draft": _("Drafted"), "submit": _("Submitted for approval"), "approve": _("Approved"),
             "return": _("Returned for revision"), "publish": _("Published")}
    bulletin = history_of(Bulletin)
