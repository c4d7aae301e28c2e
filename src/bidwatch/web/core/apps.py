from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app may use and none owns: the dashboard, the site-wide template tags, the registries
    through which the apps contribute reminders and dashboard cards (``registry.py``), and the workflow
    core's templates. Core imports no other app of ours."""

    name = "bidwatch.web.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("workflow")  # every app's declared workflow, into workflow.core.REGISTRY
