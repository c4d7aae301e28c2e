from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BidCompareConfig(AppConfig):
    name = "bidwatch.web.bidcompare"
    label = "bidcompare"
    verbose_name = _("Bid-file comparison")

    def ready(self) -> None:
        # registers the "bid_compare" task with the queue (tasks/queue.py imports only the datasets' tasks)
        from bidwatch.web.bidcompare import services  # noqa: F401
