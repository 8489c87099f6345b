from django.urls import path

from cchc.inspections import views

app_name = "inspections"
urlpatterns = [path("", views.inspections_page, name="page")]
