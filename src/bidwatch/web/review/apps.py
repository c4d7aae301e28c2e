from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "bidwatch.web.review"
    label = "review"
    verbose_name = _("Pre-tender review")

    def ready(self) -> None:
        from bidwatch.web.accounts.roles import Cap
        from bidwatch.web.audit import actions
        from bidwatch.web.core.registry import Reminder, register_reminder
        from bidwatch.web.review import services

        actions.register("pretender_review", _("Pre-tender review step"))
        register_reminder(Reminder("reviews", Cap.VIEW_REVIEWS, services.reminders, "review/_reminder.html", order=30))
