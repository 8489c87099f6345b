from django.urls import path

from cchc.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.targets_dashboard, name="dashboard"),
    path("<int:pk>/", views.target_detail, name="target_detail"),
    path("<int:pk>/xlsx/", views.target_agencies_xlsx, name="target_agencies_xlsx"),
    path("<int:pk>/ban-ghi/", views.target_records, name="target_records"),
]
