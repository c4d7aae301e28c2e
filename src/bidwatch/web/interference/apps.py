from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterferenceConfig(AppConfig):
    name = "bidwatch.web.interference"
    label = "interference"
    verbose_name = _("Interference register")

    def ready(self) -> None:
        from bidwatch.web.accounts.roles import Cap
        from bidwatch.web.audit import actions
        from bidwatch.web.core.registry import Reminder, register_reminder
        from bidwatch.web.interference import services
        from bidwatch.web.interference.workflow import AUDIT_ACTION

        actions.register(AUDIT_ACTION, _("Recorded or handled an interference record"))
        # the report to the discipline commission: its dashboard shows the records awaiting its decision
        register_reminder(Reminder("interference", Cap.VIEW_INTERFERENCE, services.reminders,
                                   "interference/_reminder.html", order=20))
