from django.urls import path

from bidwatch.web.bidcompare import views

app_name = "bidcompare"
urlpatterns = [
    path("", views.comparison_list, name="list"),
    path("<int:pk>/", views.comparison_detail, name="detail"),
    path("<int:pk>/images/<str:sha>.png", views.comparison_image, name="image"),
]
