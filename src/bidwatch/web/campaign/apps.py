from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "bidwatch.web.campaign"
    label = "campaign"
    verbose_name = _("Rectification ledger")

    def ready(self) -> None:
        from bidwatch.web.accounts.roles import Cap
        from bidwatch.web.campaign import services
        from bidwatch.web.core.registry import Reminder, register_reminder

        register_reminder(Reminder("ledger", Cap.VIEW_LEDGER, services.reminders, "campaign/_reminder.html", order=20))
