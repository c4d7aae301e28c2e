from bidwatch.web.complaints import views
from bidwatch.web.complaints.workflow import WORKFLOW
from bidwatch.web.workflow import views as workflow_views

app_name = "complaints"
urlpatterns = workflow_views.app_urls(WORKFLOW, views.complaint_list, views.complaint_create, views.complaint_detail)
