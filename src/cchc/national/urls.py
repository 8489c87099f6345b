from django.urls import path

from cchc.national import views

app_name = "national"
urlpatterns = [
    path("", views.comparison_page, name="comparison"),
    path("nap/", views.upload, name="upload"),
    path("nguong/", views.threshold_set, name="threshold_set"),
]
