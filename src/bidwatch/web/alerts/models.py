"""Alerts from scans, their triage by the responsible department, and problem clues (问题线索)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from bidwatch.web import labels
from bidwatch.web.accounts.models import Agency, Sector, sector_field, unit_field
from bidwatch.web.cases import Numbered, actor_field, campaign_field
from bidwatch.web.core.fields import (
    history_of, made_by, optional_link, status_field, step_date, updated_field,
)
from bidwatch.web.history import HistoryEvent
from bidwatch.web.tenders.models import Company, tender_link


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}

#: alert ids of the bid-file comparisons (:mod:`bidwatch.web.bidcompare`): found on uploaded documents, not
#: by the dataset's scan, so a re-import of the dataset neither finds them again nor retires them
DOCUMENT_ALERT_PREFIX = "doc:"


def scan_alerts() -> models.QuerySet[Alert]:
    """The alerts a dataset's scan owns: those a re-import may retire when it does not find them again."""
    return Alert.objects.exclude(alert_id__startswith=DOCUMENT_ALERT_PREFIX)


class Alert(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")
        CLUE = "clue", _("Clue raised")

    alert_id = models.CharField(_("alert ID"), max_length=200, primary_key=True)
    indicator = models.CharField(_("indicator"), max_length=80, db_index=True)
    name_zh = models.CharField(_("indicator name"), max_length=200)
    family = models.CharField(_("family"), max_length=40, db_index=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, db_index=True)
    tender = tender_link("alerts")
    project_id = models.CharField(_("project ID"), max_length=255, blank=True)  # whole: tenders.ID_LENGTH
    company_ids = models.TextField(_("companies"), blank=True)
    companies = models.ManyToManyField(Company, verbose_name=_("companies"), related_name="alerts", blank=True)
    score = models.FloatField(_("score"), default=0.0)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    message = models.TextField(_("finding"), blank=True)
    sector = sector_field(default=Sector.OTHER)
    region_code = models.CharField(_("district"), max_length=12, blank=True)
    detected_on = models.DateField(_("date"), null=True, blank=True)
    department = models.ForeignKey(
        Agency, verbose_name=_("responsible department"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="alerts",
    )
    status = status_field(Status, Status.NEW)
    active = models.BooleanField(_("found by the latest scan"), default=True)
    first_seen = models.DateTimeField(_("first found"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last found"), auto_now=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [
            models.Index(fields=["active", "sector", "status"], name="alert_scope_idx"),
            models.Index(fields=["active", "detected_on"], name="alert_date_idx"),
            models.Index(fields=["tender", "active"], name="alert_tender_idx"),
            models.Index(fields=["active", "-score"], name="alert_score_idx"),
            models.Index(fields=["sector", "active", "-score"], name="alert_sector_score_idx"),
            # MAX(last_seen) in the cache key of the dashboard and the alert list (tenders.views.data_version)
            models.Index(fields=["last_seen"], name="alert_last_seen_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.tender_id or self.project_id})"

    @property
    def indicator_name(self) -> str:
        """The indicator's name in the page's language: the scan's Chinese name on a Chinese page, the
        catalogue's English one on another (:func:`bidwatch.web.labels.indicator_name`)."""
        return labels.indicator_name(self.indicator, self.name_zh)


class Disposition(models.TextChoices):
    """How a clue ends: 予以了结, 暂存待查 and 初步核实 are ways of disposing of a clue under 《中国共产党纪律检查机关
    监督执纪工作规则》 (which also has 谈话函询); 立案 opens a case, with its record (:class:`CaseRecord`)."""

    CLOSED = "closed", _("Closed off (了结)")
    SHELVED = "shelved", _("Kept on file (暂存待查)")
    PRELIMINARY = "preliminary", _("Preliminary verification (初步核实)")
    CASE = "case", _("Case opened (立案)")


class Clue(Numbered):
    """A problem clue: minimal here (source, unit, status, history); case handling comes later."""

    NUMBERING = ("XS", "created_at")

    class Source(models.TextChoices):
        BIG_DATA = "big_data", _("Big-data analysis")
        REPORT = "report", _("Report by the public")
        COMPLAINT = "complaint", _("Complaint")
        PETITION = "petition", _("Petition")
        AUDIT = "audit", _("Audit")
        INSPECTION = "inspection", _("Inspection tour")
        INTERFERENCE = "interference", _("Interference record (干预插手记录)")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ACCEPTED = "accepted", _("Accepted by the unit")
        IN_PROGRESS = "in_progress", _("Being verified")
        CLOSED = "closed", _("Closed")

    alert = optional_link(Alert, _("alert"), "clues")
    tender = tender_link("clues")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.BIG_DATA)
    summary = models.TextField(_("summary"))
    campaign = campaign_field("clues")
    assigned_unit = unit_field(_("assigned unit"), "clues")
    status = status_field(Status, Status.REGISTERED)
    #: how the clue was disposed of (了结, 暂存, 初核, 立案); empty until then
    disposition = models.CharField(_("disposition"), max_length=20, blank=True, choices=Disposition.choices)
    #: 涉黑涉恶: a clue of organised crime (扫黑除恶), sent to the police's anti-organised-crime unit
    organised_crime = models.BooleanField(_("organised crime (涉黑涉恶)"), default=False)
    created_by, created_at = made_by(_("raised by"), _("raised"))
    updated_at = updated_field()

    class Meta:
        verbose_name = _("problem clue")
        verbose_name_plural = _("problem clues")
        ordering = ["-id"]


class TriageAction(HistoryEvent):
    """Every decision on an alert, in order (the alert's own history; the audit log has them too)."""

    class Action(models.TextChoices):
        CONFIRM = "confirm", _("Confirmed")
        DISMISS = "dismiss", _("Dismissed")
        CLUE = "clue", _("Raised a clue")
        REOPEN = "reopen", _("Reopened")

    STEPS = dict(Action.choices)

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="actions")
    clue = optional_link(Clue, None, "+")

    # the names of the time before the shared history shape (step, note)
    @property
    def action(self) -> str:
        return self.step

    @property
    def reason(self) -> str:
        return self.note

    def get_action_display(self) -> str:
        return self.step_display


class ClueEvent(HistoryEvent):
    """The clue's own history (the audit log has the same steps), with its status before and after."""

    STEPS = {
        "raise": _("Clue raised"), "status": _("Status changed"), "transfer": _("Transferred"),
        "receive": _("Transfer received"), "answer": _("Transfer answered"), "consult": _("Consultation recorded"),
        "dispose": _("Disposed of"), "decide": _("Decision recorded"), "tag": _("Organised-crime tag changed"),
    }

    clue = history_of(Clue)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Clue.Status.choices)

    @property
    def step_display(self) -> str:
        """A change of status says the new status (as the page always did); other steps their name."""
        if self.step in ("", "raise", "status"):
            return str(self.get_to_status_display())
        return super().step_display


class Transfer(models.Model):
    """A clue sent to another unit (问题线索移送) and its answer.

    Kinds, and the answer clock of each (``reply_due``; ``None`` where no rule sets one, and the pages say so):

    * to the public security organ when a case reaches the criminal standards — 《行政执法机关移送涉嫌犯罪案件的
      规定》(国务院令第310号, 2020年修订): the head decides within 3 days of the report and the case is sent within
      24 hours of approval (第5条); the police review it *within 3 days of receiving it* (第8条: 自接受涉嫌犯罪案件之日起
      3日内) and tell the sender in writing whether they open a case. The clock runs from ``received_on`` (calendar
      days, the last one rolled to the next working day, 民法典 第203条), so it starts when the receipt is recorded;
      a fine may not replace the transfer (第11条).
    * to the supervision commission — leads of corruption, bribery or dereliction by public officials must be
      transferred (监察法 第34条 of the 2018 text; 第37条 since the 2024 amendment came into force on 2025-06-01:
      :meth:`supervision_article` cites the one in force on ``sent_on``). No rule gives the commission a period to
      answer the sender: no clock.
    * to the competent department — no statutory answer period either: no clock.
    """

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", _("To the supervision commission")
        POLICE = "police", _("To the public security organ (suspected crime)")
        ORGANISED_CRIME = "organised_crime", _("To the police's anti-organised-crime unit (涉黑涉恶线索)")
        DEPARTMENT = "department", _("To the competent department")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent, awaiting answer")
        ACCEPTED = "accepted", _("Taken over by the receiving unit")
        RETURNED = "returned", _("Returned")

    #: the 2024 amendment of 监察法 (2024-12-25) in force from this day: the transfer article became 第37条
    SUPERVISION_LAW_2024 = dt.date(2025, 6, 1)

    MATERIALS = (
        ("letter", _("Transfer letter")), ("report", _("Investigation report")),
        ("items", _("List of items involved")), ("appraisal", _("Test or appraisal reports")),
        ("other", _("Other materials")),
    )

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="transfers")
    kind = models.CharField(_("kind of transfer"), max_length=20, choices=Kind.choices)
    from_unit = unit_field(_("sending unit"))
    to_unit = unit_field(_("receiving unit"), "transfers_received")
    reason = models.TextField(_("grounds for the transfer"))
    materials = models.JSONField(_("materials sent"), default=list, blank=True)
    approved_on = step_date(_("approved by the head on"))
    sent_on = models.DateField(_("sent on"))
    received_on = step_date(_("received by the receiving unit on"))
    # None: no statutory answer period for this kind, or (police) the receipt is not recorded yet
    reply_due = step_date(_("answer due"))
    status = status_field(Status, Status.SENT)
    answered_on = step_date(_("answered on"))
    answer = models.TextField(_("answer"), blank=True)
    sent_by = actor_field()
    answered_by = actor_field()

    class Meta:
        verbose_name = _("clue transfer")
        verbose_name_plural = _("clue transfers")
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["status", "reply_due"], name="transfer_due_idx")]

    def material_labels(self) -> list[str]:
        names = dict(self.MATERIALS)
        return [str(names.get(m, m)) for m in self.materials]

    @property
    def has_clock(self) -> bool:
        """Whether a statutory answer period applies to this kind of transfer (only to the police, 第8条)."""
        return self.kind == self.Kind.POLICE

    @property
    def has_feedback_due(self) -> bool:
        """An organised-crime clue's feedback deadline, set when it is sent (not a statutory period)."""
        return self.kind == self.Kind.ORGANISED_CRIME

    def supervision_article(self) -> str:
        """The article of 监察法 that obliges the transfer, in the version in force on ``sent_on``."""
        if self.sent_on and self.sent_on >= self.SUPERVISION_LAW_2024:
            return "监察法（2024年修正）第37条"
        return "监察法（2018年）第34条"

    def legal_basis(self) -> str:
        if self.kind == self.Kind.SUPERVISION:
            return self.supervision_article()
        if self.kind == self.Kind.POLICE:
            return "《行政执法机关移送涉嫌犯罪案件的规定》第3条、第8条"
        if self.kind == self.Kind.ORGANISED_CRIME:
            return "扫黑除恶 线索双向移送、反馈机制"
        return ""


class Consultation(models.Model):
    """A joint consultation on a clue (会商): who met, when, what they agreed."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="consultations")
    held_on = models.DateField(_("held on"))
    convened_by = unit_field(_("convened by"))
    units = models.ManyToManyField(Agency, verbose_name=_("participating units"), related_name="consultations")
    topic = models.CharField(_("topic"), max_length=300)
    conclusion = models.TextField(_("conclusions (会商意见)"))
    follow_up = models.TextField(_("follow-up and who does it"), blank=True)
    recorded_by, recorded_at = made_by(None, _("recorded"))

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["held_on", "id"]


# --- case outcomes (线索处置结果, 立案, 处理处分决定) ------------------------------------------------------

class CaseRecord(models.Model):
    """The case opened on a clue (立案)."""

    class Kind(models.TextChoices):
        DISCIPLINE = "discipline", _("Discipline / supervision case (纪律审查、监察调查)")
        ADMINISTRATIVE = "administrative", _("Administrative case (行政处罚立案)")

    clue = models.OneToOneField(Clue, on_delete=models.CASCADE, related_name="case")
    kind = models.CharField(_("kind of case"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("case number"), max_length=100)
    opened_on = models.DateField(_("opened on"))
    authority = unit_field(_("opened by"))
    summary = models.TextField(_("what the case is about"), blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")


class Decision(models.Model):
    """A decision taken on a clue's case: an administrative penalty (e.g. a fine, the suspension of bidding
    eligibility for a period), a party-discipline or government sanction on a person, or a measure on an
    evaluation expert. It may propose a joint-punishment entry (联合惩戒), which enters the sanctions registry once
    the office or the discipline commission approves it — and from there every scan."""

    class Kind(models.TextChoices):
        PENALTY = "penalty", _("Administrative penalty (行政处罚)")
        DISCIPLINE = "discipline", _("Party discipline (党纪处分)")
        GOVERNMENT = "government", _("Government sanction (政务处分)")
        EXPERT = "expert", _("Measure on an evaluation expert (评标专家处理)")

    class Measure(models.TextChoices):
        FINE = "fine", _("Fine (罚款)")
        CONFISCATION = "confiscation", _("Confiscation of illegal gains (没收违法所得)")
        SUSPENSION = "suspension", _("Bidding eligibility suspended for a period (取消/暂停投标资格)")
        LICENCE = "licence", _("Licence suspended or revoked (暂扣、吊销执照)")
        WARNING = "warning", _("Warning (警告)")
        DEMERIT = "demerit", _("Demerit (记过、记大过)")
        DEMOTION = "demotion", _("Demotion or removal (降级、撤职)")
        EXPULSION = "expulsion", _("Expulsion or dismissal (开除)")
        EXPERT_SUSPENDED = "expert_suspended", _("Expert suspended from evaluations (暂停评标资格)")
        EXPERT_REMOVED = "expert_removed", _("Expert removed from the pool (取消评标专家资格)")
        OTHER = "other", _("Other")

    class Proposal(models.TextChoices):
        NONE = "none", _("No registry entry proposed")
        PROPOSED = "proposed", _("Registry entry proposed, awaiting approval")
        APPROVED = "approved", _("Entered in the sanctions registry")
        REJECTED = "rejected", _("Registry entry not approved")

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("kind of decision"), max_length=20, choices=Kind.choices)
    measure = models.CharField(_("measure"), max_length=30, choices=Measure.choices)
    number = models.CharField(_("decision document number"), max_length=100)
    decided_on = models.DateField(_("decided on"))
    authority = models.CharField(_("deciding authority"), max_length=200)
    # who: a company (ID / credit code) or a person (a company's person, an official, an expert)
    company_id = models.CharField(_("company ID"), max_length=64, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    person_id = models.CharField(_("person ID"), max_length=64, blank=True)
    subject_name = models.CharField(_("name of the company or person"), max_length=300)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    start_on = models.DateField(_("measure from"), null=True, blank=True)
    end_on = models.DateField(_("measure until"), null=True, blank=True)
    text = models.TextField(_("grounds and decision"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    # the joint-punishment proposal
    proposal = models.CharField(_("registry proposal"), max_length=20, choices=Proposal.choices,
                                default=Proposal.NONE)
    registry_measure = models.CharField(_("registry measure proposed"), max_length=30, blank=True)
    registry_entry = optional_link("credit.RegistryEntry", _("registry entry"), "decisions")
    recorded_by, recorded_at = made_by(None, _("recorded"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.subject_name}"


class DecisionEvent(HistoryEvent):
    STEPS = {"record": _("Decision recorded"), "approve": _("Registry entry approved"),
             "reject": _("Registry entry not approved")}

    decision = history_of(Decision)
