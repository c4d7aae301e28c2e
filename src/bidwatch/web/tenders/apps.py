from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TendersConfig(AppConfig):
    name = "bidwatch.web.tenders"
    label = "tenders"
    verbose_name = _("Tenders and companies")

    def ready(self) -> None:
        from bidwatch.web.accounts.roles import Cap
        from bidwatch.web.core.registry import Card, register_card
        from bidwatch.web.tenders.views import dashboard_card

        register_card(Card("alerts", Cap.VIEW, dashboard_card, "tenders/_dashboard.html",
                           scripts=("vendor/chart.umd.min.js", "bidwatch/charts.js")))
