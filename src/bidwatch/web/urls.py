from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("bidwatch.web.core.urls")),
    path("", include("bidwatch.web.tenders.urls")),
    path("accounts/", include("bidwatch.web.accounts.urls")),
    path("alerts/", include("bidwatch.web.alerts.urls")),
    path("imports/", include("bidwatch.web.datasets.urls")),
    path("audit/", include("bidwatch.web.audit.urls")),
    path("complaints/", include("bidwatch.web.complaints.urls")),
    path("reports/", include("bidwatch.web.reports.urls")),
    path("credit/", include("bidwatch.web.credit.urls")),
    path("campaign/", include("bidwatch.web.campaign.urls")),
    path("bid-files/", include("bidwatch.web.bidcompare.urls")),
    path("supervision/", include("bidwatch.web.supervision.urls")),
    path("tipoffs/", include("bidwatch.web.tipoffs.urls")),
    path("attachments/", include("bidwatch.web.attachments.urls")),
    path("interference/", include("bidwatch.web.interference.urls")),
    path("reviews/", include("bidwatch.web.review.urls")),
    # The language switch is on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "bidwatch"
admin.site.site_title = "bidwatch"
