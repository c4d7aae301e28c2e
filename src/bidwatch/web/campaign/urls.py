from django.urls import path

from bidwatch.web.campaign import views
from bidwatch.web.campaign.workflow import WORKFLOW
from bidwatch.web.workflow import views as workflow_views

app_name = "campaign"
urlpatterns = workflow_views.app_urls(
    WORKFLOW, views.problem_list, views.problem_create, views.problem_detail,
    path("export/", views.problem_export, name="export"),
)
