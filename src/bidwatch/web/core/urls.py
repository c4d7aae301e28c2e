from django.urls import path

from bidwatch.web.core import views

app_name = "core"
urlpatterns = [path("", views.dashboard, name="dashboard")]
