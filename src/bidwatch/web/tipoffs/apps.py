from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipoffsConfig(AppConfig):
    name = "bidwatch.web.tipoffs"
    label = "tipoffs"
    verbose_name = _("Reports from the public")

    def ready(self) -> None:
        from bidwatch.web.accounts.roles import Cap
        from bidwatch.web.audit import actions
        from bidwatch.web.core.registry import Reminder, register_reminder
        from bidwatch.web.tipoffs import services
        from bidwatch.web.tipoffs.workflow import AUDIT_ACTION, REPORTER_VIEW_ACTION

        actions.register(AUDIT_ACTION, _("Handled a report from the public"))
        actions.register(REPORTER_VIEW_ACTION, _("Viewed or passed on a reporter's identity"))
        register_reminder(Reminder("tipoffs", Cap.VIEW_TIPOFFS, services.reminders, "tipoffs/_reminder.html", order=15))
