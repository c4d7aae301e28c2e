from django.urls import path

from bidwatch.web.campaign import views

app_name = "campaign"
urlpatterns = [
    path("", views.problem_list, name="list"),
    path("new/", views.problem_create, name="create"),
    path("export/", views.problem_export, name="export"),
    path("<int:pk>/", views.problem_detail, name="detail"),
]
