from django.urls import path

from bidwatch.web.supervision import views
from bidwatch.web.supervision.workflow import BULLETINS, ORDERS, TALKS
from bidwatch.web.workflow import views as workflow_views

app_name = "supervision"
urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("orders/", views.order_list, name="orders"),
    path("orders/new/", views.order_issue, name="order_issue"),
    path("orders/<int:pk>/files/", views.order_attach, name="order_attach"),
    path("orders/<int:pk>/files/<int:file>/", views.order_file, name="order_file"),
    path("orders/<int:pk>/print/", views.order_print, name="order_print"),
    *workflow_views.urls(ORDERS, views.order_detail, prefix="orders/"),
    path("talks/", views.talk_list, name="talks"),
    path("talks/new/", views.talk_record, name="talk_record"),
    *workflow_views.urls(TALKS, views.talk_detail, prefix="talks/"),
    path("documents/", views.documents_page, name="documents"),
    path("documents/<int:pk>/file/", views.document_file, name="document_file"),
    path("bulletins/", views.bulletin_list, name="bulletins"),
    path("bulletins/new/", views.bulletin_draft, name="bulletin_draft"),
    *workflow_views.urls(BULLETINS, views.bulletin_detail, prefix="bulletins/"),
    path("assessment/", views.assessment_page, name="assessment"),
    path("assessment/export/", views.assessment_export, name="assessment_export"),
    path("assessment/unit/<int:unit>/", views.assessment_unit, name="assessment_unit"),
]
