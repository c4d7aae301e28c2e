from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TendersConfig(AppConfig):
    name = "bidwatch.web.tenders"
    label = "tenders"
    verbose_name = _("Tenders and companies")
