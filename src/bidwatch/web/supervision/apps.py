from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "bidwatch.web.supervision"
    label = "supervision"
    verbose_name = _("Campaign supervision")

    def ready(self) -> None:
        from bidwatch.web.accounts.roles import Cap
        from bidwatch.web.audit import actions
        from bidwatch.web.core.registry import Reminder, register_reminder
        from bidwatch.web.supervision import services

        actions.register("supervision", _("Handled a supervision order"))
        actions.register("talk", _("Recorded or followed up a talk"))
        actions.register("bulletin", _("Drafted, approved or published a bulletin"))
        actions.register("campaign", _("Changed a campaign or its assessment"))
        from django.db.models.signals import pre_save

        from bidwatch.web.alerts.models import Clue
        from bidwatch.web.campaign.models import Problem
        from bidwatch.web.complaints.models import Complaint
        from bidwatch.web.tipoffs.models import Channel, Tipoff

        for model in (Problem, Complaint, Clue, Tipoff, Channel):
            pre_save.connect(services.default_campaign, sender=model, dispatch_uid=f"campaign-{model.__name__}")
        register_reminder(Reminder("supervision", Cap.VIEW_SUPERVISION, services.reminders,
                                   "supervision/_reminder.html", order=25))
        from bidwatch.web.supervision import documents

        register_reminder(Reminder("unit_documents", Cap.VIEW_SUPERVISION, documents.missing,
                                   "supervision/_documents_reminder.html", order=26))
