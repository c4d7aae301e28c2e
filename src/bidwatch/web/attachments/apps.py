from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    name = "bidwatch.web.attachments"
    label = "attachments"
    verbose_name = _("Attachments")

    def ready(self) -> None:
        from bidwatch.web.attachments.services import DOWNLOAD_ACTION, UPLOAD_ACTION
        from bidwatch.web.audit import actions

        actions.register(UPLOAD_ACTION, _("Added an attachment"))
        actions.register(DOWNLOAD_ACTION, _("Downloaded an attachment"))
