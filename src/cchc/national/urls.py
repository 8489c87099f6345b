from django.urls import path

from cchc.national import views

app_name = "national"
urlpatterns = [
    path("", views.comparison_page, name="comparison"),
]
