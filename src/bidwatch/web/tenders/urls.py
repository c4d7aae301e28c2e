from django.urls import path

from bidwatch.web.core import views as core_views
from bidwatch.web.tenders import views

app_name = "tenders"
urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),  # the old name of core:dashboard
    path("tenders/", views.tender_list, name="list"),
    path("tenders/<path:tender_id>", views.tender_detail, name="detail"),
    path("companies/<path:company_id>", views.company_detail, name="company"),
]
