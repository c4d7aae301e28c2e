from django.urls import path

from bidwatch.web.reports import views

app_name = "reports"
urlpatterns = [path("", views.campaign_report, name="campaign")]
