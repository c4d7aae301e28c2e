from django.urls import path

from bidwatch.web.alerts import views

app_name = "alerts"
# Alert IDs come from the scan and may contain any character but '?' and '#': hence <path:>, last.
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("clues/", views.clue_list, name="clues"),
    path("clues/<int:pk>/", views.clue_detail, name="clue"),
    path("transfers/", views.transfer_list, name="transfers"),
    path("triage/<path:alert_id>", views.triage, name="triage"),
    path("a/<path:alert_id>", views.alert_detail, name="detail"),
]
