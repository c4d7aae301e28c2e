from django.urls import path

from bidwatch.web.alerts import views
from bidwatch.web.alerts.workflow import DECISION_WORKFLOW, WORKFLOW
from bidwatch.web.workflow import views as workflow_views

app_name = "alerts"
# Alert IDs come from the scan and may contain any character but '?' and '#': hence <path:>, last.
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("clues/", views.clue_list, name="clues"),
    *workflow_views.urls(WORKFLOW, views.clue_detail, prefix="clues/"),
    *workflow_views.urls(DECISION_WORKFLOW, views.decision_detail, prefix="decisions/"),
    path("transfers/", views.transfer_list, name="transfers"),
    path("triage/<path:alert_id>", views.triage, name="triage"),
    path("a/<path:alert_id>", views.alert_detail, name="detail"),
]
