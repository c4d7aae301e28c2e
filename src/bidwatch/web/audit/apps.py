from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "bidwatch.web.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from bidwatch.web.audit import signals  # noqa: F401
