from django.urls import path

from bidwatch.web.credit import views
from bidwatch.web.credit.workflow import WORKFLOW
from bidwatch.web.workflow import views as workflow_views

app_name = "credit"
urlpatterns = workflow_views.app_urls(
    WORKFLOW, views.entry_list, views.entry_create, views.entry_detail,
    path("import/", views.entry_import, name="import"),
)
