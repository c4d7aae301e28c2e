"""The interference register (干预插手记录): the recording and reporting duty of the 三个规定 (领导干部干预司法活动、
插手具体案件处理的记录、通报和责任追究规定 and its companions; applied by the campaign to interventions in projects
and tenders). Who intervened (name, position, unit), in which project or tender, how (打招呼, 递条子, 推荐, 指定 ...),
when, and who recorded it. Each record is reported to the discipline commission the moment it is saved; the
commission makes it a problem clue or files it. Seen by the office, the commission and the recorder's own unit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from bidwatch.web.accounts.models import unit_field
from bidwatch.web.cases import Numbered
from bidwatch.web.core.fields import history_of, made_by, optional_link, status_field
from bidwatch.web.history import HistoryEvent


class Interference(Numbered):
    NUMBERING = ("GY", "occurred_on")

    class Manner(models.TextChoices):
        GREETING = "greeting", _("Put in a word (打招呼)")
        NOTE = "note", _("Passed a note (递条子)")
        RECOMMEND = "recommend", _("Recommended a bidder or person (推荐)")
        DESIGNATE = "designate", _("Designated a winner, subcontractor or supplier (指定)")
        HINT = "hint", _("Hinted or pressed (暗示、施压)")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported to the discipline commission")
        CLUE = "clue", _("Made a problem clue")
        FILED = "filed", _("Filed by the discipline commission")

    intervener_name = models.CharField(_("who intervened"), max_length=100)
    intervener_position = models.CharField(_("position"), max_length=200)
    intervener_unit = models.CharField(_("unit"), max_length=200)
    project_name = models.CharField(_("project or tender"), max_length=300)
    tender_id = models.CharField(_("tender ID"), max_length=255, blank=True)  # an imported id, whole
    manner = models.CharField(_("how"), max_length=20, choices=Manner.choices)
    occurred_on = models.DateField(_("when"))
    description = models.TextField(_("what was said or asked"))
    recorder_unit = unit_field(_("recorded by unit"))
    recorded_by, recorded_at = made_by(_("recorded by"), _("recorded"))
    #: the report to the discipline commission: made when the record is saved
    reported_at = models.DateTimeField(_("reported to the discipline commission"), null=True, blank=True)
    status = status_field(Status, Status.REPORTED)
    clue = optional_link("alerts.Clue", _("clue"), "+")

    class Meta:
        verbose_name = _("interference record")
        verbose_name_plural = _("interference records")
        ordering = ["-occurred_on", "-id"]


class InterferenceEvent(HistoryEvent):
    STEPS = {"record": _("Recorded and reported to the discipline commission"), "to_clue": _("Made a problem clue"),
             "file": _("Filed")}

    record = history_of(Interference)
