from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "bidwatch.web.credit"
    label = "credit"
    verbose_name = _("Sanctions registry")
