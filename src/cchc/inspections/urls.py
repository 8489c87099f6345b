from django.urls import path

from cchc.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspections_page, name="page"),
    path("de-xuat/", views.plan_propose, name="plan_propose"),
    path("ghi-nhan/", views.inspection_record, name="record"),
    path("kien-nghi/<int:pk>/dong/", views.recommendation_close, name="recommendation_close"),
]
