from django.urls import path

from bidwatch.web.datasets import views

app_name = "datasets"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/rescan/", views.rescan, name="rescan"),
    path("<int:pk>/apply/", views.apply, name="apply"),
]
