from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "bidwatch.web.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from bidwatch.web.accounts.roles import Cap
        from bidwatch.web.complaints import services
        from bidwatch.web.core.registry import Reminder, register_reminder

        register_reminder(Reminder("complaints", Cap.VIEW_COMPLAINTS, services.reminders, "complaints/_reminder.html",
                                   order=10))
