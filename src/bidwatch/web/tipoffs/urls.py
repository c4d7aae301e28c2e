from django.urls import path

from bidwatch.web.tipoffs import views
from bidwatch.web.tipoffs.workflow import WORKFLOW
from bidwatch.web.workflow import views as workflow_views

app_name = "tipoffs"
urlpatterns = workflow_views.app_urls(
    WORKFLOW, views.tipoff_list, views.tipoff_create, views.tipoff_detail,
    path("<int:pk>/reporter/", views.reveal, name="reveal"),
    path("channels/", views.channel_list, name="channels"),
    path("channels/<int:pk>/", views.channel_edit, name="channel_edit"),
    # the reporter's own pages (no account)
    path("submit/", views.intake, name="intake"),
    path("status/", views.status, name="status"),
)
