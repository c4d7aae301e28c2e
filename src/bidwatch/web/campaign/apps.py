from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "bidwatch.web.campaign"
    label = "campaign"
    verbose_name = _("Rectification ledger")
