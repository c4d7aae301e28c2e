from django.urls import path

from bidwatch.web.credit import views

app_name = "credit"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("new/", views.entry_create, name="create"),
    path("<int:pk>/", views.entry_detail, name="detail"),
]
