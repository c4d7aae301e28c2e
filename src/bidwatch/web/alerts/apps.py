from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "bidwatch.web.alerts"
    label = "alerts"
    verbose_name = _("Alerts and clues")

    def ready(self) -> None:
        from bidwatch.web.audit import actions

        actions.register("decision", _("Recorded a decision on a case, or its registry proposal"))
