from bidwatch.web.interference import views
from bidwatch.web.interference.workflow import WORKFLOW
from bidwatch.web.workflow import views as workflow_views

app_name = "interference"
urlpatterns = workflow_views.app_urls(WORKFLOW, views.record_list, views.record_create, views.record_detail)
