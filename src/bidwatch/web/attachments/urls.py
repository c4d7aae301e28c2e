from django.urls import path

from bidwatch.web.attachments import views

app_name = "attachments"
urlpatterns = [
    path("<int:pk>/download/", views.download, name="download"),
    path("add/<str:object_type>/<str:object_id>/", views.upload, name="upload"),
]
