from django.urls import path

from bidwatch.web.review import views
from bidwatch.web.review.workflow import WORKFLOW
from bidwatch.web.workflow import views as workflow_views

app_name = "review"
urlpatterns = workflow_views.app_urls(
    WORKFLOW, views.review_list, views.review_submit, views.review_detail,
    # the revised file: before the core's step URL, which does not pass files to a form
    path("<int:pk>/v<int:number>/file/", views.version_file, name="file"),
    path("<int:pk>/step/revise/", views.review_revise, name="revise"),
)
